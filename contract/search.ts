import { z } from "zod";

/** The longest search a person can type; longer is a 400 that says so, not a slow query. */
export const MAX_SEARCH_CHARS = 200;

/** `GET /api/search?q=`: words to find in message text and titles. */
export const searchQuerySchema = z.object({
  q: z
    .string({ error: "Say what to search for (q)." })
    .max(MAX_SEARCH_CHARS, `A search can be at most ${MAX_SEARCH_CHARS} characters long.`),
});

/**
 * The snippet's highlight markers: control characters that never reach the page, split on by the UI
 * (app/search/), so a snippet is always text and never HTML.
 */
export const HIGHLIGHT_START = "\u0002";
export const HIGHLIGHT_END = "\u0003";

/** One place the words were found: a message, or the conversation's title (messageId null). */
export interface SearchHit {
  conversationId: string;
  conversationTitle: string;
  messageId: string | null;
  role: "user" | "assistant" | null;
  /** A few words around the match, the matched terms between HIGHLIGHT_START and HIGHLIGHT_END. */
  snippet: string;
  updatedAt: number;
}

export interface SearchResults {
  hits: SearchHit[];
}

/** A snippet as runs of plain and highlighted text, for rendering without HTML. */
export function snippetSegments(snippet: string): { text: string; highlighted: boolean }[] {
  const segments: { text: string; highlighted: boolean }[] = [];
  for (const [i, piece] of snippet.split(HIGHLIGHT_START).entries()) {
    const [marked, rest] = i === 0 ? ["", piece] : splitOnce(piece, HIGHLIGHT_END);
    if (marked) segments.push({ text: marked, highlighted: true });
    if (rest) segments.push({ text: rest.replaceAll(HIGHLIGHT_END, ""), highlighted: false });
  }
  return segments;
}

function splitOnce(text: string, marker: string): [string, string] {
  const at = text.indexOf(marker);
  return at < 0 ? [text, ""] : [text.slice(0, at), text.slice(at + marker.length)];
}
