import type { ImagePage, ImageRecord } from "../../../contract/images-api";

/**
 * The user's generated images in their own Durable Object's SQLite (the bytes live in R2). The
 * record is kept whole as JSON; the columns beside it exist for ordering and paging.
 */
export class ImageTable {
  constructor(private readonly sql: SqlStorage) {}

  save(record: ImageRecord): void {
    this.sql.exec(`INSERT INTO images (id, created_at, body) VALUES (?, ?, ?)`, record.id, record.createdAt, JSON.stringify(record));
  }

  /** Newest first; the cursor is the (createdAt, id) of the previous page's last image. */
  list(cursor: string | undefined, limit: number): ImagePage {
    const after = cursor ? parseCursor(cursor) : undefined;
    const rows = (
      after
        ? this.sql.exec<Row>(
            `SELECT body FROM images WHERE created_at < ? OR (created_at = ? AND id < ?) ORDER BY created_at DESC, id DESC LIMIT ?`,
            after.createdAt,
            after.createdAt,
            after.id,
            limit + 1,
          )
        : this.sql.exec<Row>(`SELECT body FROM images ORDER BY created_at DESC, id DESC LIMIT ?`, limit + 1)
    ).toArray();
    const images = rows.slice(0, limit).map((row) => JSON.parse(row.body) as ImageRecord);
    const last = images.at(-1);
    return { images, nextCursor: rows.length > limit && last ? `${last.createdAt}.${last.id}` : null };
  }

  get(id: string): ImageRecord | null {
    const row = this.sql.exec<Row>(`SELECT body FROM images WHERE id = ?`, id).toArray()[0];
    return row ? (JSON.parse(row.body) as ImageRecord) : null;
  }

  delete(id: string): boolean {
    return this.sql.exec(`DELETE FROM images WHERE id = ?`, id).rowsWritten > 0;
  }
}

interface Row extends Record<string, SqlStorageValue> {
  body: string;
}

function parseCursor(cursor: string): { createdAt: number; id: string } {
  const dot = cursor.indexOf(".");
  return { createdAt: Number(cursor.slice(0, dot)), id: cursor.slice(dot + 1) };
}
