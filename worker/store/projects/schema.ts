import type { FeatureTables } from "../migrate";
import { counted, textBytes } from "../schema-sql";

/**
 * The person's projects (./feature.ts). Which conversations are in one is the conversations' own
 * column (../conversations/schema.ts, migration 2). A project's text counts in the byte budget.
 */
export const PROJECT_TABLES: FeatureTables = {
  name: "projects",
  migrations: [
    `
  CREATE TABLE projects (
    id TEXT PRIMARY KEY,
    name TEXT NOT NULL,
    instructions TEXT NOT NULL DEFAULT '',
    defaults TEXT NOT NULL DEFAULT '{}',
    document_ids TEXT NOT NULL DEFAULT '[]',
    created_at INTEGER NOT NULL,
    updated_at INTEGER NOT NULL
  );
  ${counted(
    "projects",
    "name, instructions, defaults, document_ids",
    (row) =>
      `(${textBytes(`${row}name`)} + ${textBytes(`${row}instructions`)} + ${textBytes(`${row}defaults`)} + ${textBytes(`${row}document_ids`)})`,
  )}
  `,
  ],
};
