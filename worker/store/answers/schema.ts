import type { FeatureTables } from "../migrate";

/**
 * Answers being written (./run-table.ts): a row per running answer, written with its question and
 * deleted with the saved answer, so a row left when the object starts is an answer whose object died
 * mid-way. Its chunks so far are kept in batches so its text survives that. The row names the spend
 * reservation it settles and the question it answers (saved under it whichever branch is shown).
 * Migration 2 adds a slot to both keys: a compare turn (./compare-turn.ts) runs several answers to
 * one question on one thread at once, each its own row; every other answer is slot 0.
 */
export const ANSWER_TABLES: FeatureTables = {
  name: "answers",
  since10: true,
  migrations: [
    `
  CREATE TABLE answer_runs (
    kind TEXT NOT NULL,
    owner_id TEXT NOT NULL,
    message_id TEXT NOT NULL,
    started_at INTEGER NOT NULL,
    prompt_chars INTEGER NOT NULL, reservation_id TEXT, parent_id TEXT,
    PRIMARY KEY (kind, owner_id)
  );
  CREATE TABLE answer_chunks (
    kind TEXT NOT NULL,
    owner_id TEXT NOT NULL,
    seq INTEGER NOT NULL,
    body TEXT NOT NULL,
    PRIMARY KEY (kind, owner_id, seq)
  );
  `,
    // SQLite cannot change a primary key in place: each table is copied into its new shape.
    `
  CREATE TABLE answer_runs_slotted (
    kind TEXT NOT NULL,
    owner_id TEXT NOT NULL,
    slot INTEGER NOT NULL DEFAULT 0,
    message_id TEXT NOT NULL,
    started_at INTEGER NOT NULL,
    prompt_chars INTEGER NOT NULL, reservation_id TEXT, parent_id TEXT,
    PRIMARY KEY (kind, owner_id, slot)
  );
  INSERT INTO answer_runs_slotted (kind, owner_id, slot, message_id, started_at, prompt_chars, reservation_id, parent_id)
    SELECT kind, owner_id, 0, message_id, started_at, prompt_chars, reservation_id, parent_id FROM answer_runs;
  DROP TABLE answer_runs;
  ALTER TABLE answer_runs_slotted RENAME TO answer_runs;
  CREATE TABLE answer_chunks_slotted (
    kind TEXT NOT NULL,
    owner_id TEXT NOT NULL,
    slot INTEGER NOT NULL DEFAULT 0,
    seq INTEGER NOT NULL,
    body TEXT NOT NULL,
    PRIMARY KEY (kind, owner_id, slot, seq)
  );
  INSERT INTO answer_chunks_slotted (kind, owner_id, slot, seq, body) SELECT kind, owner_id, 0, seq, body FROM answer_chunks;
  DROP TABLE answer_chunks;
  ALTER TABLE answer_chunks_slotted RENAME TO answer_chunks;
  `,
  ],
};
