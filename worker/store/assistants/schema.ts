import type { FeatureTables } from "../migrate";
import { counted, textBytes } from "../schema-sql";

/**
 * The person's own assistants (./feature.ts; built-ins live in contract/assistants.ts, not here).
 * Each is kept whole as JSON in `body`; the columns beside it are for ordering. Bodies count in the
 * byte budget (storage, registered before).
 */
export const ASSISTANT_TABLES: FeatureTables = {
  name: "assistants",
  migrations: [
    `
  CREATE TABLE assistants (
    id TEXT PRIMARY KEY,
    created_at INTEGER NOT NULL,
    body TEXT NOT NULL
  );
  CREATE INDEX assistants_by_time ON assistants (created_at, id);
  ${counted("assistants", "body", (row) => textBytes(`${row}body`))}
  `,
  ],
};
