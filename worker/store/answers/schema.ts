import type { FeatureTables } from "../migrate";

/**
 * Answers being written (./run-table.ts): a row per running answer, written with its question and
 * deleted with the saved answer, so a row left when the object starts is an answer whose object died
 * mid-way. Its chunks so far are kept in batches so its text survives that. The row names the spend
 * reservation it settles and the question it answers (saved under it whichever branch is shown).
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
  ],
};
