import type { UIMessageChunk } from "ai";

export type ThreadKind = "chat" | "vision";

export interface RunRow extends Record<string, SqlStorageValue> {
  kind: ThreadKind;
  owner_id: string;
  message_id: string;
  started_at: number;
  prompt_chars: number;
  /** The spend reservation (worker/spend/) the answer settles when it is saved; null for none. */
  reservation_id: string | null;
  /** The message the answer follows in a branched conversation (migration 5); null for vision threads. */
  parent_id: string | null;
}

/**
 * The answers being written, in SQLite (tables in ../schema.ts, migration 2): one row per running
 * answer and its chunks so far, in batches. Only a restart reads the chunks back; a live answer
 * replays from memory.
 */
export class RunTable {
  constructor(private readonly sql: SqlStorage) {}

  begin(
    kind: ThreadKind,
    ownerId: string,
    messageId: string,
    promptChars: number,
    reservationId: string | null,
    now = Date.now(),
    parentId: string | null = null,
  ): void {
    this.sql.exec(`DELETE FROM answer_chunks WHERE kind = ? AND owner_id = ?`, kind, ownerId);
    this.sql.exec(
      `INSERT OR REPLACE INTO answer_runs (kind, owner_id, message_id, started_at, prompt_chars, reservation_id, parent_id) VALUES (?, ?, ?, ?, ?, ?, ?)`,
      kind,
      ownerId,
      messageId,
      now,
      promptChars,
      reservationId,
      parentId,
    );
  }

  /** The message the running answer follows (see RunRow.parent_id). */
  parentOf(kind: ThreadKind, ownerId: string): string | null {
    return (
      this.sql
        .exec<{ parent_id: string | null }>(`SELECT parent_id FROM answer_runs WHERE kind = ? AND owner_id = ?`, kind, ownerId)
        .toArray()[0]?.parent_id ?? null
    );
  }

  /**
   * A tool loop's next step was reserved (./step-spend.ts): the row names that reservation now (the
   * one before was settled), and that step's prompt, for the estimate a restart makes.
   */
  hold(kind: ThreadKind, ownerId: string, reservationId: string, promptChars: number): void {
    this.sql.exec(
      `UPDATE answer_runs SET reservation_id = ?, prompt_chars = ? WHERE kind = ? AND owner_id = ?`,
      reservationId,
      promptChars,
      kind,
      ownerId,
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

  /** Ends the run; returns the reservation it was begun with, for the caller to settle. */
  end(kind: ThreadKind, ownerId: string): string | null {
    const row = this.sql
      .exec<{ reservation_id: string | null }>(`SELECT reservation_id FROM answer_runs WHERE kind = ? AND owner_id = ?`, kind, ownerId)
      .toArray()[0];
    this.sql.exec(`DELETE FROM answer_chunks WHERE kind = ? AND owner_id = ?`, kind, ownerId);
    this.sql.exec(`DELETE FROM answer_runs WHERE kind = ? AND owner_id = ?`, kind, ownerId);
    return row?.reservation_id ?? null;
  }

  all(): RunRow[] {
    return this.sql.exec<RunRow>(`SELECT * FROM answer_runs`).toArray();
  }
}
