import type { UIMessageChunk } from "ai";

export type ThreadKind = "chat" | "vision";

export interface RunRow extends Record<string, SqlStorageValue> {
  kind: ThreadKind;
  owner_id: string;
  /** Which of a compare turn's answers (./compare-turn.ts); 0 for every other answer (migration 2). */
  slot: number;
  message_id: string;
  started_at: number;
  prompt_chars: number;
  /** The spend reservation (worker/spend/) the answer settles when it is saved; null for none. */
  reservation_id: string | null;
  /** The message the answer follows in a branched conversation (migration 5); null for vision threads. */
  parent_id: string | null;
}

/**
 * The answers being written, in SQLite (tables in ./schema.ts): one row per running answer and its
 * chunks so far, in batches. Only a restart reads the chunks back; a live answer replays from
 * memory. A thread runs one answer (slot 0), or a compare turn's few side by side (slots 0..n-1).
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
    slot = 0,
  ): void {
    this.sql.exec(`DELETE FROM answer_chunks WHERE kind = ? AND owner_id = ? AND slot = ?`, kind, ownerId, slot);
    this.sql.exec(
      `INSERT OR REPLACE INTO answer_runs (kind, owner_id, slot, message_id, started_at, prompt_chars, reservation_id, parent_id) VALUES (?, ?, ?, ?, ?, ?, ?, ?)`,
      kind,
      ownerId,
      slot,
      messageId,
      now,
      promptChars,
      reservationId,
      parentId,
    );
  }

  /** The message the running answer follows (see RunRow.parent_id). */
  parentOf(kind: ThreadKind, ownerId: string, slot = 0): string | null {
    return (
      this.sql
        .exec<{ parent_id: string | null }>(
          `SELECT parent_id FROM answer_runs WHERE kind = ? AND owner_id = ? AND slot = ?`,
          kind,
          ownerId,
          slot,
        )
        .toArray()[0]?.parent_id ?? null
    );
  }

  /**
   * A tool loop's next step was reserved (./step-spend.ts): the row names that reservation now (the
   * one before was settled), and that step's prompt, for the estimate a restart makes. Tool loops
   * run only in slot 0 (a compare turn's answers have no tools).
   */
  hold(kind: ThreadKind, ownerId: string, reservationId: string, promptChars: number): void {
    this.sql.exec(
      `UPDATE answer_runs SET reservation_id = ?, prompt_chars = ? WHERE kind = ? AND owner_id = ? AND slot = 0`,
      reservationId,
      promptChars,
      kind,
      ownerId,
    );
  }

  /** Appends a batch of chunks, each already JSON, as one row. */
  append(kind: ThreadKind, ownerId: string, seq: number, jsonChunks: readonly string[], slot = 0): void {
    this.sql.exec(
      `INSERT INTO answer_chunks (kind, owner_id, slot, seq, body) VALUES (?, ?, ?, ?, ?)`,
      kind,
      ownerId,
      slot,
      seq,
      jsonChunks.join("\n"),
    );
  }

  chunks(kind: ThreadKind, ownerId: string, slot = 0): UIMessageChunk[] {
    return this.sql
      .exec<{ body: string }>(
        `SELECT body FROM answer_chunks WHERE kind = ? AND owner_id = ? AND slot = ? ORDER BY seq`,
        kind,
        ownerId,
        slot,
      )
      .toArray()
      .flatMap((row) => row.body.split("\n").map((line) => JSON.parse(line) as UIMessageChunk));
  }

  /** Ends the run; returns the reservation it was begun with, for the caller to settle. */
  end(kind: ThreadKind, ownerId: string, slot = 0): string | null {
    const row = this.sql
      .exec<{ reservation_id: string | null }>(
        `SELECT reservation_id FROM answer_runs WHERE kind = ? AND owner_id = ? AND slot = ?`,
        kind,
        ownerId,
        slot,
      )
      .toArray()[0];
    this.sql.exec(`DELETE FROM answer_chunks WHERE kind = ? AND owner_id = ? AND slot = ?`, kind, ownerId, slot);
    this.sql.exec(`DELETE FROM answer_runs WHERE kind = ? AND owner_id = ? AND slot = ?`, kind, ownerId, slot);
    return row?.reservation_id ?? null;
  }

  all(): RunRow[] {
    return this.sql.exec<RunRow>(`SELECT * FROM answer_runs`).toArray();
  }
}
