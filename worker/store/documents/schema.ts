import type { FeatureTables } from "../migrate";
import { counted, passageBytes } from "../schema-sql";

/**
 * The person's documents and their passages (worker/retrieval/document-tables.ts), the original's
 * bytes and the passages' text counted in the byte budget. The retrieval code makes its other tables
 * (the keyword index, attachments, the embedding payer, the local vector index) on first use.
 */
export const DOCUMENT_TABLES: FeatureTables = {
  name: "documents",
  since10: true,
  migrations: [
    `
  CREATE TABLE documents (
    id TEXT PRIMARY KEY,
    name TEXT NOT NULL,
    kind TEXT NOT NULL,
    bytes INTEGER NOT NULL,
    pages INTEGER,
    passages INTEGER NOT NULL,
    embedded INTEGER NOT NULL DEFAULT 0,
    status TEXT NOT NULL,
    error TEXT,
    namespace TEXT NOT NULL,
    created_at INTEGER NOT NULL
  );
  CREATE TABLE passages (
    rowid INTEGER PRIMARY KEY,
    document_id TEXT NOT NULL,
    idx INTEGER NOT NULL,
    text TEXT NOT NULL,
    heading TEXT,
    page INTEGER,
    embedded INTEGER NOT NULL DEFAULT 0,
    UNIQUE (document_id, idx)
  );
  CREATE INDEX passages_to_embed ON passages (embedded, rowid);
  ${counted("documents", "bytes", (row) => `${row}bytes`)}
  ${counted("passages", "text, heading", passageBytes)}
  `,
  ],
};
