import type { FeatureTables } from "../migrate";
import { counted, textBytes } from "../schema-sql";

/**
 * What the assistant remembers about the person (./feature.ts): each memory counts its text in the
 * byte budget. No keyword index is kept: at most 200 short memories are ranked in memory per turn
 * (./relevant.ts), so there is no derived table for export, import or the budget to leave out.
 * `memory_settings` holds one row once the person switches memory off or on (no row: on).
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
  ],
};
