/**
 * Per-person storage quotas, counted in the person's own Durable Object: without them one stranger
 * could fill SQLite (10 GB per object) and R2 at the owner's expense. Each limit is a `vars` setting
 * (wrangler.jsonc); an unset or unreadable value falls back to its default, and 0 turns a limit off.
 * A refusal is thrown from inside the write's transaction, so a race between two requests can never
 * take anyone past a limit; it crosses RPC as a QuotaRefusal (worker/quota-refusal.ts).
 */
import { QuotaRefusal } from "../../quota-refusal";

export interface QuotaLimits {
  /** Chat conversations, and separately vision threads, one person may keep. */
  conversations: number;
  /** Messages in one conversation or thread, the answer to come included. */
  messagesPerConversation: number;
  /** Uploaded photos for vision questions, by count and by bytes in all. */
  uploads: number;
  uploadBytes: number;
  /** Generated images kept in the image studio. */
  images: number;
  /** Bytes of everything one person keeps (./byte-budget.ts): messages, documents, photos, images, shares. */
  storageBytes: number;
}

export const DEFAULT_QUOTAS: QuotaLimits = {
  conversations: 1000,
  // The chat request's own schema takes at most 1,000 messages; the answer makes one more.
  messagesPerConversation: 1000,
  uploads: 200,
  uploadBytes: 250 * 1024 * 1024,
  images: 500,
  storageBytes: 500 * 1024 * 1024,
};

type QuotaVars = Partial<
  Record<
    "QUOTA_CONVERSATIONS" | "QUOTA_MESSAGES_PER_CONVERSATION" | "QUOTA_UPLOADS" | "QUOTA_UPLOAD_MB" | "QUOTA_IMAGES" | "QUOTA_STORAGE_MB",
    string
  >
>;

export function quotaLimits(vars: QuotaVars): QuotaLimits {
  const read = (value: string | undefined, fallback: number) => {
    const n = Number(value);
    return value?.trim() && Number.isFinite(n) && n >= 0 ? n : fallback;
  };
  return {
    conversations: read(vars.QUOTA_CONVERSATIONS, DEFAULT_QUOTAS.conversations),
    messagesPerConversation: read(vars.QUOTA_MESSAGES_PER_CONVERSATION, DEFAULT_QUOTAS.messagesPerConversation),
    uploads: read(vars.QUOTA_UPLOADS, DEFAULT_QUOTAS.uploads),
    uploadBytes: read(vars.QUOTA_UPLOAD_MB, DEFAULT_QUOTAS.uploadBytes / 1024 / 1024) * 1024 * 1024,
    images: read(vars.QUOTA_IMAGES, DEFAULT_QUOTAS.images),
    storageBytes: read(vars.QUOTA_STORAGE_MB, DEFAULT_QUOTAS.storageBytes / 1024 / 1024) * 1024 * 1024,
  };
}

const over = (limit: number, count: number) => limit > 0 && count > limit;
const n = (value: number) => value.toLocaleString("en-US");
const mb = (bytes: number) => `${n(Math.round(bytes / 1024 / 1024))} MB`;

/** The checks, one per kind of write; each throws a QuotaRefusal when the write would pass a limit. */
export class Quotas {
  constructor(
    private readonly sql: SqlStorage,
    readonly limits: QuotaLimits,
  ) {}

  /** Before saving a chat history: a new conversation needs room, and so does its length. */
  checkConversation(id: string, messages: number): void {
    this.checkThread("conversations", id, messages, "conversations", "conversation");
  }

  /** Before saving a vision thread's history. */
  checkVisionThread(id: string, messages: number): void {
    this.checkThread("vision_threads", id, messages, "vision threads", "thread");
  }

  /** Before recording an uploaded photo of `bytes` bytes. */
  checkUpload(bytes: number): void {
    const { count, total } = this.sql
      .exec<{ count: number; total: number }>(`SELECT COUNT(*) AS count, COALESCE(SUM(bytes), 0) AS total FROM vision_images`)
      .one();
    const { uploads, uploadBytes } = this.limits;
    if (over(uploads, count + 1))
      throw new QuotaRefusal(
        "quota_exceeded",
        `You have ${n(count)} uploaded photos, the most one person can keep. Delete vision threads you no longer need to make room.`,
      );
    if (over(uploadBytes, total + bytes))
      throw new QuotaRefusal(
        "quota_exceeded",
        `Your uploaded photos take ${mb(total)} of the ${mb(uploadBytes)} one person can keep. Delete vision threads you no longer need to make room.`,
      );
  }

  /** Before generating or saving `adding` images. */
  checkImages(adding: number): void {
    const count = this.sql.exec<{ count: number }>(`SELECT COUNT(*) AS count FROM images`).one().count;
    if (over(this.limits.images, count + adding)) {
      const room = Math.max(0, this.limits.images - count);
      const ask = room > 0 ? ` There is room for ${n(room)} more.` : "";
      throw new QuotaRefusal(
        "quota_exceeded",
        `You have ${n(count)} images, and one person can keep ${n(this.limits.images)}.${ask} Delete images you no longer need to make room.`,
      );
    }
  }

  /**
   * The same check as `checkConversation` with what it reads already read (in the caller's transaction):
   * `conversations` is how many there are when this one is new, null when it exists.
   */
  checkConversationCounted(messages: number, conversations: number | null): void {
    this.checkThreadCounted(messages, conversations, "conversations", "conversation");
  }

  private checkThread(table: "conversations" | "vision_threads", id: string, messages: number, plural: string, singular: string): void {
    this.checkThreadCounted(
      messages,
      () => {
        const exists = this.sql.exec(`SELECT 1 FROM ${table} WHERE id = ?`, id).toArray().length > 0;
        return exists ? null : this.sql.exec<{ count: number }>(`SELECT COUNT(*) AS count FROM ${table}`).one().count;
      },
      plural,
      singular,
    );
  }

  /** `threads`: how many there are when this one is new, null when it exists (read only once the length passed). */
  private checkThreadCounted(messages: number, threads: number | null | (() => number | null), plural: string, singular: string): void {
    if (over(this.limits.messagesPerConversation, messages + 1)) {
      throw new QuotaRefusal(
        "conversation_full",
        `This ${singular} has reached ${n(this.limits.messagesPerConversation)} messages, the most one can hold. Start a new ${singular} to go on.`,
      );
    }
    const count = typeof threads === "function" ? threads() : threads;
    if (count === null) return;
    if (over(this.limits.conversations, count + 1)) {
      throw new QuotaRefusal(
        "quota_exceeded",
        `You have ${n(count)} ${plural}, the most one person can keep. Delete some you no longer need to start a new one.`,
      );
    }
  }
}
