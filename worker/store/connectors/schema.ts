import type { FeatureTables } from "../migrate";

/**
 * Connectors, the person's remote MCP servers (worker/connectors/table.ts). `secret` is the encrypted
 * bearer token or OAuth state (worker/connectors/crypto.ts), NULL when there is none; each listed
 * tool keeps the person's switches (offered to the model; asks before running).
 */
export const CONNECTOR_TABLES: FeatureTables = {
  name: "connectors",
  since10: true,
  migrations: [
    `
  CREATE TABLE connectors (
    id TEXT PRIMARY KEY,
    name TEXT NOT NULL,
    url TEXT NOT NULL,
    auth TEXT NOT NULL,
    secret TEXT,
    status TEXT NOT NULL,
    last_error TEXT,
    tools_left_out INTEGER NOT NULL DEFAULT 0,
    created_at INTEGER NOT NULL,
    checked_at INTEGER
  );
  CREATE TABLE connector_tools (
    connector_id TEXT NOT NULL,
    name TEXT NOT NULL,
    description TEXT NOT NULL,
    enabled INTEGER NOT NULL,
    ask_first INTEGER NOT NULL,
    position INTEGER NOT NULL,
    PRIMARY KEY (connector_id, name)
  );
  `,
  ],
};
