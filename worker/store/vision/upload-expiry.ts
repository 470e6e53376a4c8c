import { alarmNoLaterThan } from "../../alarm";
import { deleteUploadObjects } from "../../vision/save-upload";
import { NOT_IN_CHAT } from "../conversations/chat-images";

/**
 * Photos uploaded for vision questions or chat messages but never asked about or sent expire: after
 * `ttlHours` with no thread or conversation referring to them, the Durable Object's alarm deletes
 * the record and the R2 object. (The bucket's lifecycle rule, see README, is the backstop for
 * objects whose record is already gone.)
 * The clock is passed in, so tests move time instead of waiting for it.
 */
export class UploadExpiry {
  private readonly ttlMs: number;

  constructor(
    private readonly storage: DurableObjectStorage,
    private readonly media: R2Bucket,
    /**
     * The user's id, which names their R2 prefix: the Durable Object's own name (`ctx.id.name`, set
     * for objects reached by name, as every UserStore is). Were it missing, records would still go and
     * the bucket's lifecycle rule would remove the bytes.
     */
    private readonly owner: string | undefined,
    ttlHours: number,
  ) {
    this.ttlMs = ttlHours * 60 * 60 * 1000;
  }

  /** After an upload is recorded: an alarm must come by the time the oldest unasked photo expires. */
  async schedule(): Promise<void> {
    const due = this.nextDue();
    if (due !== null) await alarmNoLaterThan(this.storage, due);
  }

  /**
   * Deletes the photos unasked about for the whole TTL as of `now`, and schedules the next sweep.
   * Records go first, in one synchronous step that re-checks no thread refers to them, so a question
   * asked while R2 is being called can never lose its image; then their objects. Returns the ids.
   */
  async sweep(now: number): Promise<string[]> {
    if (this.ttlMs <= 0) return [];
    const sql = this.storage.sql;
    const expired = this.storage.transactionSync(() => {
      const ids = sql
        .exec<{ id: string }>(
          `SELECT id FROM vision_images i WHERE created_at <= ? AND ${UNASKED} ORDER BY created_at LIMIT 1000`,
          now - this.ttlMs,
        )
        .toArray()
        .map((row) => row.id);
      for (const id of ids) sql.exec(`DELETE FROM vision_images WHERE id = ?`, id);
      return ids;
    });
    if (expired.length && this.owner) await deleteUploadObjects(this.media, this.owner, expired);
    await this.schedule();
    return expired;
  }

  private nextDue(): number | null {
    if (this.ttlMs <= 0) return null;
    const oldest = this.storage.sql
      .exec<{ oldest: number | null }>(`SELECT MIN(created_at) AS oldest FROM vision_images i WHERE ${UNASKED}`)
      .one().oldest;
    return oldest === null ? null : oldest + this.ttlMs;
  }
}

/** No vision thread is about this image, and no conversation's message carries it. */
const UNASKED = `NOT EXISTS (SELECT 1 FROM vision_threads t WHERE t.image_id = i.id) AND ${NOT_IN_CHAT}`;

export function uploadTtlHours(value: string | undefined): number {
  const hours = Number(value);
  return value?.trim() && Number.isFinite(hours) && hours >= 0 ? hours : 24;
}
