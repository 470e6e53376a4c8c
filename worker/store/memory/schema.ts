import type { FeatureTables } from "../migrate";
import { counted, textBytes } from "../schema-sql";

/**
 * What the assistant remembers about the person (./feature.ts): each memory counts its text in the
 * byte budget. No keyword index is kept: at most 200 short memories are ranked by BM25 in memory
 * per turn (./relevant.ts), so there is no keyword table for export, import or the budget to leave out.
 * `memory_settings` holds one row once the person switches memory off or on (no row: on).
 *
 * Migration 2, `memory_vectors`: each memory's embedding, for the hybrid search (./relevant.ts).
 * Kept here in the person's SQLite rather than in the documents' vector index (Vectorize when
 * VECTOR_INDEX says so): 200 memories of 768 floats are 600 KB and one exact scan of 150,000
 * multiply-adds, far below what a vector service is for, and rows here go with the memory in the
 * same transaction, move with a guest's merge (person-data/transfer.ts copies every table) and are
 * wiped with the account, with no second system to keep in step. Not counted in the byte budget:
 * a vector is derived from a counted memory (bounded by MEMORY_LIMITS.perPerson), and counting its
 * 3 KB would make a one-line memory look like a document on the person's storage meter. The
 * triggers drop a vector when its memory is deleted or its text changes, whoever deletes or edits
 * it, so no vector ever describes text that is not kept.
 */
export const MEMORY_TABLES: FeatureTables = {
  name: "memory",
  migrations: [
    `
  CREATE TABLE memories (
    id TEXT PRIMARY KEY,
    text TEXT NOT NULL,
    created_at INTEGER NOT NULL,
    updated_at INTEGER NOT NULL
  );
  CREATE INDEX memories_by_time ON memories (created_at, id);
  ${counted("memories", "text", (row) => textBytes(`${row}text`))}
  CREATE TABLE memory_settings (
    only INTEGER PRIMARY KEY CHECK (only = 1),
    enabled INTEGER NOT NULL
  );
  `,
    `
  CREATE TABLE memory_vectors (
    memory_id TEXT PRIMARY KEY,
    model TEXT NOT NULL,
    vector BLOB NOT NULL
  );
  CREATE TRIGGER memory_vectors_follow_delete AFTER DELETE ON memories
  BEGIN DELETE FROM memory_vectors WHERE memory_id = old.id; END;
  CREATE TRIGGER memory_vectors_follow_edit AFTER UPDATE OF text ON memories WHEN new.text IS NOT old.text
  BEGIN DELETE FROM memory_vectors WHERE memory_id = old.id; END;
  `,
  ],
};
