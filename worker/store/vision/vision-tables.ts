import type { VisionImage, VisionMessage, VisionThread, VisionThreadDetail } from "../../../contract/vision-api";
import { ChatImageLinks } from "../conversations/chat-images";
import { MessageLog } from "../message-log";
import { titleFrom } from "../conversations/title";

/**
 * The vision tables inside the user's Durable Object: uploaded images (bytes live in R2 under
 * pending-uploads/<user>/<image> until asked about, then uploads/<user>/<image>; this is the record that makes an image id the caller's own) and threads
 * of questions about one image. Like the rest of the store, isolation comes from the addressing.
 */
export class VisionTables {
  private readonly sql: SqlStorage;
  /** The threads' messages. */
  readonly log: MessageLog;

  constructor(private readonly storage: DurableObjectStorage) {
    this.sql = storage.sql;
    this.log = new MessageLog(this.sql, { owners: "vision_threads", messages: "vision_messages", ownerColumn: "thread_id" });
  }

  addImage(image: VisionImage): void {
    this.sql.exec(
      `INSERT INTO vision_images (id, media_type, width, height, bytes, created_at) VALUES (?, ?, ?, ?, ?, ?)`,
      image.id,
      image.mediaType,
      image.width,
      image.height,
      image.bytes,
      Date.now(),
    );
  }

  getImage(id: string): VisionImage | null {
    const row = this.sql.exec<ImageRow>(`SELECT * FROM vision_images WHERE id = ?`, id).toArray()[0];
    return row ? toImage(row) : null;
  }

  /**
   * Newest first. With a query: the threads whose title, or the text of a question or answer, holds
   * it (as typed, case-insensitive for ASCII, like the conversation list's title filter).
   */
  listThreads(query?: string): VisionThread[] {
    const text = query?.trim();
    if (!text) return this.sql.exec<ThreadRow>(`SELECT * FROM vision_threads ORDER BY updated_at DESC LIMIT 200`).toArray().map(toThread);
    const like = `%${text.replace(/[\\%_]/g, (m) => `\\${m}`)}%`;
    return this.sql
      .exec<ThreadRow>(
        `SELECT t.* FROM vision_threads t
         WHERE t.title LIKE ? ESCAPE '\\'
            OR EXISTS (SELECT 1 FROM vision_messages m, json_each(m.body, '$.parts') p
                       WHERE m.thread_id = t.id AND json_extract(p.value, '$.type') = 'text'
                         AND json_extract(p.value, '$.text') LIKE ? ESCAPE '\\')
         ORDER BY t.updated_at DESC LIMIT 200`,
        like,
        like,
      )
      .toArray()
      .map(toThread);
  }

  /** A new title; null when there is no such thread. */
  renameThread(id: string, title: string): VisionThread | null {
    const row = this.sql.exec<ThreadRow>(`UPDATE vision_threads SET title = ? WHERE id = ? RETURNING *`, title, id).toArray()[0];
    return row ? toThread(row) : null;
  }

  getThread(id: string): VisionThreadDetail | null {
    const row = this.sql.exec<ThreadRow>(`SELECT * FROM vision_threads WHERE id = ?`, id).toArray()[0];
    const image = row && this.getImage(row.image_id);
    if (!row || !image) return null;
    return { thread: toThread(row), image, messages: this.log.read(id) };
  }

  /** The image a thread is about, if the thread exists: a thread is about one image for good. */
  threadImage(threadId: string): string | undefined {
    return this.sql.exec<{ image_id: string }>(`SELECT image_id FROM vision_threads WHERE id = ?`, threadId).toArray()[0]?.image_id;
  }

  /**
   * Saves the thread before the model is asked (see MessageLog.saveHistory); the caller checked
   * that it is about this image (threadImage) and owns the transaction.
   */
  saveHistory(threadId: string, imageId: string, model: string, messages: VisionMessage[]): void {
    const now = Date.now();
    if (this.threadImage(threadId)) this.sql.exec(`UPDATE vision_threads SET model = ?, updated_at = ? WHERE id = ?`, model, now, threadId);
    else {
      const title = titleFrom(messages.find((m) => m.role === "user"));
      this.sql.exec(
        `INSERT INTO vision_threads (id, image_id, title, model, created_at, updated_at) VALUES (?, ?, ?, ?, ?, ?)`,
        threadId,
        imageId,
        title,
        model,
        now,
        now,
      );
    }
    this.log.saveHistory(threadId, messages, now);
  }

  /**
   * Deletes a thread and, when no other thread uses it, its image record. Returns the image id whose
   * bytes the caller should remove from R2 (null if still in use), or undefined when there was no thread.
   */
  deleteThread(id: string): { orphanedImageId: string | null } | undefined {
    return this.storage.transactionSync(() => {
      const row = this.sql.exec<ThreadRow>(`SELECT * FROM vision_threads WHERE id = ?`, id).toArray()[0];
      if (!row) return undefined;
      this.log.deleteAll(id);
      this.sql.exec(`DELETE FROM vision_threads WHERE id = ?`, id);
      const stillUsed = new ChatImageLinks(this.sql).inUse(row.image_id);
      if (stillUsed) return { orphanedImageId: null };
      this.sql.exec(`DELETE FROM vision_images WHERE id = ?`, row.image_id);
      return { orphanedImageId: row.image_id };
    });
  }
}

interface ImageRow extends Record<string, SqlStorageValue> {
  id: string;
  media_type: string;
  width: number;
  height: number;
  bytes: number;
}

interface ThreadRow extends Record<string, SqlStorageValue> {
  id: string;
  image_id: string;
  title: string;
  model: string;
  created_at: number;
  updated_at: number;
}

function toImage(row: ImageRow): VisionImage {
  return { id: row.id, mediaType: row.media_type as VisionImage["mediaType"], width: row.width, height: row.height, bytes: row.bytes };
}

function toThread(row: ThreadRow): VisionThread {
  return { id: row.id, imageId: row.image_id, title: row.title, model: row.model, createdAt: row.created_at, updatedAt: row.updated_at };
}
