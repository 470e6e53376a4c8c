import { MAX_CHARS } from "./sentences";

/**
 * Sentences after the first are read in groups: one request per sentence spent a person's 30 model
 * calls a minute (wrangler.jsonc USER_RATE_LIMITER) on a list or a run of headings and was refused
 * mid-answer. A group is at most MAX_CHARS (600; contract/speech.ts allows 2,000 per request), which
 * is about 40 s of speech: the next group is long ready before it is needed.
 */
export const GROUP_CHARS = MAX_CHARS;

/** A heading or list item has no full stop: given one, the voice pauses after it instead of running on. */
const spoken = (sentence: string) => (/[.!?…:;]["')\]]*$/.test(sentence) ? sentence : `${sentence}.`);

export interface SentenceGroup {
  /** The sentences it reads: from `start` up to, not including, `end`. */
  start: number;
  end: number;
  text: string;
  /** It holds as many sentences as fit: adding the next one would pass GROUP_CHARS. */
  full: boolean;
}

/** The group starting at sentence `start`: the sentences known so far that fit (always at least one). */
export function groupFrom(sentences: readonly string[], start: number): SentenceGroup {
  let text = spoken(sentences[start]);
  let end = start + 1;
  for (; end < sentences.length; end++) {
    const joined = `${text} ${spoken(sentences[end])}`;
    if (joined.length > GROUP_CHARS) return { start, end, text, full: true };
    text = joined;
  }
  return { start, end, text, full: false };
}
