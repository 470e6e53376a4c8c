import type { FeatureTables } from "../migrate";
import { counted, textBytes } from "../schema-sql";

/** Uploaded photos and the vision threads about them (./vision-tables.ts); photos' bytes and messages count in the byte budget. */
export const VISION_TABLES: FeatureTables = {
  name: "vision",
  since10: true,
  migrations: [
    `
  CREATE TABLE vision_images (
    id TEXT PRIMARY KEY,
    media_type TEXT NOT NULL,
    width INTEGER NOT NULL,
    height INTEGER NOT NULL,
    bytes INTEGER NOT NULL,
    created_at INTEGER NOT NULL
  );
  CREATE TABLE vision_threads (
    id TEXT PRIMARY KEY,
    image_id TEXT NOT NULL REFERENCES vision_images(id),
    title TEXT NOT NULL,
    model TEXT NOT NULL,
    created_at INTEGER NOT NULL,
    updated_at INTEGER NOT NULL
  );
  CREATE INDEX vision_threads_by_update ON vision_threads (updated_at DESC);
  CREATE TABLE vision_messages (
    thread_id TEXT NOT NULL REFERENCES vision_threads(id) ON DELETE CASCADE,
    id TEXT NOT NULL,
    position INTEGER NOT NULL,
    body TEXT NOT NULL,
    PRIMARY KEY (thread_id, id)
  );
  CREATE INDEX vision_messages_by_position ON vision_messages (thread_id, position);
  ${counted("vision_messages", "body", (row) => textBytes(`${row}body`))}
  ${counted("vision_images", "bytes", (row) => `${row}bytes`)}
  `,
  ],
};
