/**
 * What Read aloud says: an answer's text (never its reasoning or tool output: the caller passes
 * messageText) with the Markdown a listener cannot hear taken out, cut into sentences so the first one
 * can be synthesised and played while the rest are still being asked for (or still being written).
 */

/** One request reads at most this much (contract/speech.ts SPEECH_LIMITS.speechChars is 2000). */
export const MAX_CHARS = 600;

/** Markdown to the words a person would say: code blocks are left out, links keep their text. */
export function speakable(markdown: string): string {
  return (
    markdown
      // A fenced block (or one still being written) is read as a note, not character by character.
      .replace(/```[\s\S]*?(```|$)/g, "\n(Code left out.)\n")
      .replace(/!\[([^\]]*)\]\([^)]*\)/g, "$1")
      .replace(/\[([^\]]+)\]\([^)]*\)/g, "$1")
      .replace(/https?:\/\/\S+/g, "a link")
      .replace(/`([^`]*)`/g, "$1")
      .replace(/^\s{0,3}(#{1,6}|>|[-*+]|\d+[.)])\s+/gm, "")
      .replace(/(\*\*|__|\*|_|~~)(?=\S)([^*_~\n]+?)\1/g, "$2")
      .replace(/^\s*\|?(\s*:?-{3,}:?\s*\|)+\s*$/gm, "")
      .replace(/\|/g, ", ")
      .replace(/\[\d+\]/g, "")
  );
}

const segmenter =
  typeof Intl !== "undefined" && "Segmenter" in Intl ? new Intl.Segmenter(undefined, { granularity: "sentence" }) : undefined;

function rawSentences(text: string): string[] {
  if (segmenter) return [...segmenter.segment(text)].map((s) => s.segment);
  return text.match(/[^.!?\n]+(?:[.!?]+|\n+|$)\s*/g) ?? [];
}

/** A sentence too long for one request, cut at the last comma or space before the limit. */
function chunks(sentence: string): string[] {
  const out: string[] = [];
  let rest = sentence;
  while (rest.length > MAX_CHARS) {
    const window = rest.slice(0, MAX_CHARS);
    const cut = Math.max(window.lastIndexOf(", "), window.lastIndexOf(" "));
    const at = cut > MAX_CHARS / 2 ? cut + 1 : MAX_CHARS;
    out.push(rest.slice(0, at));
    rest = rest.slice(at);
  }
  out.push(rest);
  return out;
}

/**
 * The sentences of `text` that are finished. While the answer is still being written the last one may
 * be cut mid-word, so it waits (`complete` false); once the answer has ended every sentence counts.
 * Paragraph breaks end a sentence too (a heading or a list item has no full stop).
 */
export function sentencesOf(markdown: string, complete: boolean): string[] {
  const text = speakable(markdown);
  const lines = text.split(/\n+/);
  const out: string[] = [];
  lines.forEach((line, i) => {
    const lastLine = i === lines.length - 1;
    const parts = rawSentences(line);
    parts.forEach((part, j) => {
      const finished = complete || !lastLine || j < parts.length - 1 || (part !== part.trimEnd() && /[.!?:;]["')\]]*\s*$/.test(part));
      const words = part.replace(/\s+/g, " ").trim();
      if (finished && /[\p{L}\p{N}]/u.test(words)) out.push(...chunks(words));
    });
  });
  return out;
}
