import { HIGHLIGHT_END, HIGHLIGHT_START, type SearchHit } from "../../../contract/search";

/** Enough to pick from; a person refines the words rather than scrolling hundreds of hits. */
const MAX_HITS = 30;
/** Words of context in a snippet. */
const SNIPPET_TOKENS = 16;
/** More words than this add nothing but cost. */
const MAX_TERMS = 12;

/**
 * The person's words as an FTS5 query that cannot be a syntax error: each word becomes a quoted
 * term, so `"`, `*`, `NEAR(`, `OR` and column filters are plain text, never operators. All terms
 * must match (in any order); the last one also matches as a prefix, for search as you type.
 * Returns null when there is no word at all (only punctuation): nothing to search for.
 */
export function ftsQuery(text: string): string | null {
  const words = text
    .normalize("NFKC")
    .match(/[\p{L}\p{N}\p{M}]+/gu)
    ?.slice(0, MAX_TERMS);
  if (!words?.length) return null;
  return words.map((word, i) => `"${word}"${i === words.length - 1 ? "*" : ""}`).join(" ");
}

interface HitRow extends Record<string, SqlStorageValue> {
  conversation_id: string;
  message_id: string;
  title: string;
  updated_at: number;
  role: string | null;
  snippet: string;
}

/**
 * Indexes the rows a chat turn left waiting (schema.ts, migration 9): a question whose answer is
 * still being written, or whatever else was never indexed. Cheap when nothing waits (partial indexes).
 */
export function indexWaiting(sql: SqlStorage): void {
  sql.exec(`UPDATE conversations SET search_pending = 0 WHERE search_pending <> 0`);
  sql.exec(`UPDATE messages SET search_pending = 0 WHERE search_pending <> 0`);
}

/**
 * Messages and titles holding every word, best match first (FTS5's bm25 rank), with highlighted
 * snippets. Rows still waiting to be indexed are indexed first, so search never misses one.
 */
export function searchMessages(sql: SqlStorage, text: string): SearchHit[] {
  const query = ftsQuery(text);
  if (!query) return [];
  indexWaiting(sql);
  const rows = sql
    .exec<HitRow>(
      `SELECT r.conversation_id, r.message_id, c.title, c.updated_at,
         json_extract(m.body, '$.role') AS role,
         snippet(search_index, 0, ?, ?, '…', ?) AS snippet
       FROM search_index
       JOIN search_rows r ON r.id = search_index.rowid
       JOIN conversations c ON c.id = r.conversation_id
       LEFT JOIN messages m ON m.conversation_id = r.conversation_id AND m.id = r.message_id
       WHERE search_index MATCH ?
       ORDER BY rank
       LIMIT ?`,
      HIGHLIGHT_START,
      HIGHLIGHT_END,
      SNIPPET_TOKENS,
      query,
      MAX_HITS,
    )
    .toArray();
  return rows.map((row) => ({
    conversationId: row.conversation_id,
    conversationTitle: row.title,
    messageId: row.message_id || null,
    role: row.role === "user" || row.role === "assistant" ? row.role : null,
    snippet: row.snippet,
    updatedAt: row.updated_at,
  }));
}
