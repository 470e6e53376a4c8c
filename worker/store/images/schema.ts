import type { FeatureTables } from "../migrate";
import { counted, imageBytes } from "../schema-sql";

/** Generated images' records (./image-table.ts); each counts its record and its R2 bytes in the byte budget. */
export const IMAGE_TABLES: FeatureTables = {
  name: "images",
  since10: true,
  migrations: [
    `
  CREATE TABLE images (
    id TEXT PRIMARY KEY,
    created_at INTEGER NOT NULL,
    body TEXT NOT NULL
  );
  CREATE INDEX images_by_time ON images (created_at DESC, id DESC);
  ${counted("images", "body", (row) => imageBytes(`${row}body`))}
  `,
  ],
};
