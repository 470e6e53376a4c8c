import type { Block } from "./blocks";

/** One searchable piece of a document, with where it sits. */
export interface Passage {
  /** 0-based position in the document: the passage's id within it. */
  index: number;
  text: string;
  /** The heading of the section the passage is in, when the document has headings. */
  heading?: string;
  /** The PDF page the passage starts on. */
  page?: number;
}

export interface SplitOptions {
  /** Characters a passage aims for: BGE models read 512 tokens, about 2,000 characters of English. */
  targetChars: number;
  /** Characters of the previous passage repeated at the start of the next, inside one section. */
  overlapChars: number;
}

export const DEFAULT_SPLIT: SplitOptions = { targetChars: 1200, overlapChars: 200 };

/**
 * Packs blocks into passages on the document's own structure: a heading always starts a new
 * passage, paragraphs are added whole while they fit, and a paragraph too long for one passage is
 * cut at sentence ends (at spaces, failing that; at the limit, failing that). Consecutive passages
 * of one section share `overlapChars` of text so a fact on a boundary is whole in one of them.
 */
export function splitBlocks(blocks: Block[], options: SplitOptions = DEFAULT_SPLIT): Passage[] {
  const passages: Passage[] = [];
  let heading: string | undefined;
  let parts: string[] = [];
  let size = 0;
  let page: number | undefined;
  // Whether the passage being built has content of its own yet, beyond the overlap it starts with.
  let fresh = false;

  const emit = (carryOverlap: boolean) => {
    const text = parts.join("\n\n").trim();
    if (text) passages.push({ index: passages.length, text, ...(heading ? { heading } : {}), ...(page !== undefined ? { page } : {}) });
    parts = carryOverlap && text ? [tail(text, options.overlapChars)].filter(Boolean) : [];
    size = parts.reduce((n, p) => n + p.length, 0);
    page = undefined;
    fresh = false;
  };

  for (const block of blocks) {
    if (block.heading) {
      emit(false);
      heading = block.text.slice(0, 200);
      continue;
    }
    for (const piece of cut(block.text, options.targetChars)) {
      if (fresh && size + piece.length > options.targetChars) emit(true);
      // Overlap plus a piece may pass the target; the overlap gives way so the passage fits.
      if (!fresh && size + piece.length > options.targetChars) {
        parts = [];
        size = 0;
      }
      if (!fresh) page = block.page;
      parts.push(piece);
      size += piece.length + 2;
      fresh = true;
    }
  }
  emit(false);
  return passages;
}

/** A block longer than `max` in sentence-bounded pieces, each at most `max` characters. */
function cut(text: string, max: number): string[] {
  if (text.length <= max) return [text];
  const pieces: string[] = [];
  let rest = text;
  while (rest.length > max) {
    const window = rest.slice(0, max);
    const at = lastBoundary(window, /[.!?。](?=\s)/g, 1) ?? lastBoundary(window, /\s/g, 0) ?? max;
    pieces.push(rest.slice(0, at).trim());
    rest = rest.slice(at).trimStart();
  }
  if (rest.trim()) pieces.push(rest);
  return pieces.filter(Boolean);
}

/** End of the last match in the back half of `window` (a cut in the front half wastes the passage). */
function lastBoundary(window: string, pattern: RegExp, include: number): number | undefined {
  let found: number | undefined;
  for (const match of window.matchAll(pattern)) if (match.index >= window.length / 2) found = match.index + include;
  return found;
}

/** About the last `chars` characters, starting at a sentence or word so the overlap reads cleanly. */
function tail(text: string, chars: number): string {
  if (chars <= 0) return "";
  if (text.length <= chars) return text;
  const window = text.slice(-chars);
  const sentence = /[.!?]\s+/.exec(window);
  if (sentence && sentence.index < chars / 2) return window.slice(sentence.index + sentence[0].length);
  const space = window.indexOf(" ");
  return space >= 0 ? window.slice(space + 1) : window;
}
