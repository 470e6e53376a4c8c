import { QuotaRefusal } from "../../quota-refusal";

/** The bytes this person keeps, as an SQL expression: to read with other values in one statement. */
export const USED_BYTES = "COALESCE((SELECT bytes FROM storage_usage WHERE only = 1), 0)";

/** A generated image's size before it exists: PNGs from the image models run to about a megabyte. */
export const IMAGE_BYTES_ESTIMATE = 1024 * 1024;

/**
 * One byte budget per person over everything they keep: message bodies, documents (original and
 * passages), photos, generated images and shared snapshots. The running total lives in the
 * storage_usage table, kept by triggers in the same transaction as each write (each feature's schema.ts under worker/store/,
 * migration 8), so a check here sees every write that committed before it, and the Durable Object's
 * single thread with `within` inside a transaction makes check-and-write one step: two parallel
 * writes cannot both pass the limit. A limit of 0 turns the budget off.
 */
export class ByteBudget {
  constructor(
    private readonly sql: SqlStorage,
    readonly limit: number,
  ) {}

  used(): number {
    return this.sql.exec<{ bytes: number }>(`SELECT ${USED_BYTES} AS bytes`).one().bytes;
  }

  /**
   * Runs a write and refuses it when it took the total past the limit. Call it inside the write's
   * transactionSync: the refusal thrown here rolls the write back. A write that adds nothing (or
   * frees bytes) always passes, so someone over the limit can still delete and rename. `before`:
   * the total, when the caller read it (USED_BYTES) in the same transaction with nothing written since.
   */
  within<T>(what: string, write: () => T, before = this.limit > 0 ? this.used() : 0): T {
    if (this.limit <= 0) return write();
    const result = write();
    const after = this.used();
    if (after > before && after > this.limit) throw this.refusal(what, before, after - before);
    return result;
  }

  /**
   * Refuses early, before work or spending, when `adding` bytes would not fit (the write itself checks
   * again). `used`: the total, when the caller read it (USED_BYTES) with other things it needed.
   */
  checkRoom(what: string, adding: number, used = this.limit > 0 ? this.used() : 0): void {
    if (this.limit <= 0) return;
    if (used + adding > this.limit) throw this.refusal(what, used, adding);
  }

  private refusal(what: string, used: number, adding: number): QuotaRefusal {
    if (adding > this.limit)
      return new QuotaRefusal(
        "too_large",
        `${what} needs ${size(adding)}, more than the ${size(this.limit)} one person can keep in all. Make it smaller.`,
      );
    return new QuotaRefusal(
      "storage_full",
      `Your conversations, documents, photos, images and shared links take ${size(used)} of the ${size(this.limit)} one person can keep, and ${what.toLowerCase()} needs ${size(adding)} more. Delete what you no longer need (old conversations, documents, images, shared links) to make room.`,
    );
  }
}

/** A size as people read it: bytes, kilobytes, then megabytes (one decimal below 10 MB). */
export function size(bytes: number): string {
  if (bytes < 1024) return `${bytes} bytes`;
  if (bytes < 1024 * 1024) return `${Math.ceil(bytes / 1024)} KB`;
  const mb = bytes / 1024 / 1024;
  return `${mb < 10 ? mb.toFixed(1) : Math.round(mb).toLocaleString("en-US")} MB`;
}

/** A value's bytes as the store keeps it (JSON, UTF-8): for early checks before the write counts them exactly. */
export function jsonBytes(value: unknown): number {
  return new TextEncoder().encode(JSON.stringify(value)).byteLength;
}
