import type { UIMessageChunk } from "ai";

export type ThreadKind = "chat" | "vision";

export interface RunRow extends Record<string, SqlStorageValue> {
  kind: ThreadKind;
  owner_id: string;
  message_id: string;
  started_at: number;
  prompt_chars: number;
}

/**
 * The answers being written, in SQLite (tables in ../schema.ts, migration 2): one row per running
 * answer and its chunks so far, in batches. Only a restart reads the chunks back; a live answer
 * replays from memory.
 */
export class RunTable {
  constructor(private readonly sql: SqlStorage) {}

  begin(kind: ThreadKind, ownerId: string, messageId: string, promptChars: number, now = Date.now()): void {
    this.sql.exec(`DELETE FROM answer_chunks WHERE kind = ? AND owner_id = ?`, kind, ownerId);
    this.sql.exec(
      `INSERT OR REPLACE INTO answer_runs (kind, owner_id, message_id, started_at, prompt_chars) VALUES (?, ?, ?, ?, ?)`,
      kind,
      ownerId,
      messageId,
      now,
      promptChars,
    );
  }

  /** Appends a batch of chunks, each already JSON, as one row. */
  append(kind: ThreadKind, ownerId: string, seq: number, jsonChunks: readonly string[]): void {
    this.sql.exec(`INSERT INTO answer_chunks (kind, owner_id, seq, body) VALUES (?, ?, ?, ?)`, kind, ownerId, seq, jsonChunks.join("\n"));
  }

  chunks(kind: ThreadKind, ownerId: string): UIMessageChunk[] {
    return this.sql
      .exec<{ body: string }>(`SELECT body FROM answer_chunks WHERE kind = ? AND owner_id = ? ORDER BY seq`, kind, ownerId)
      .toArray()
      .flatMap((row) => row.body.split("\n").map((line) => JSON.parse(line) as UIMessageChunk));
  }

  end(kind: ThreadKind, ownerId: string): void {
    this.sql.exec(`DELETE FROM answer_chunks WHERE kind = ? AND owner_id = ?`, kind, ownerId);
    this.sql.exec(`DELETE FROM answer_runs WHERE kind = ? AND owner_id = ?`, kind, ownerId);
  }

  all(): RunRow[] {
    return this.sql.exec<RunRow>(`SELECT * FROM answer_runs`).toArray();
  }
}
