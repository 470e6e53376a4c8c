import type { FeatureTables } from "../migrate";
import { counted } from "../schema-sql";

/**
 * The byte budget (../byte-budget.ts): storage_usage holds the bytes the person keeps, kept in step
 * by triggers each feature hangs on its own counted tables, so no write path can forget it; and the
 * bytes of each shared conversation's snapshot (share_bytes), kept in the shares store but counted here.
 * First: registered before every feature whose triggers write storage_usage.
 */
export const STORAGE_TABLES: FeatureTables = {
  name: "storage",
  since10: true,
  migrations: [
    `
  CREATE TABLE share_bytes (conversation_id TEXT PRIMARY KEY, token TEXT, bytes INTEGER NOT NULL);
  CREATE INDEX share_bytes_by_token ON share_bytes (token);
  CREATE TABLE storage_usage (only INTEGER PRIMARY KEY CHECK (only = 1), bytes INTEGER NOT NULL);
  ${counted("share_bytes", "bytes", (row) => `${row}bytes`)}
  `,
  ],
};
