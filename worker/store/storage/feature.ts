import type { Person } from "../person";
import { STORAGE_TABLES } from "./schema";
import { ShareBytes } from "./share-bytes";

/** The byte budget over everything the person keeps (../byte-budget.ts), and shared snapshots' part of it. */
export class Storage {
  static readonly tables = STORAGE_TABLES;
  readonly shares: ShareBytes;

  constructor(private readonly person: Person) {
    this.shares = new ShareBytes(person.ctx.storage, person.budget);
  }

  /** Bytes this person keeps, and the most they may (0: no limit). */
  storageUsage(): { used: number; limit: number } {
    return { used: this.person.budget.used(), limit: this.person.budget.limit };
  }

  /** Refuses (storage_full, or too_large for one thing bigger than the whole budget) when `bytes` would not fit: a document before it is read, an import before it is written. */
  checkStorageRoom(what: string, bytes: number): void {
    this.person.budget.checkRoom(what, bytes);
  }

  /** A share link's snapshot (worker/routes/share.ts): counted (or refused) before it is written. */
  holdShareBytes(conversationId: string, bytes: number): void {
    this.shares.hold(conversationId, bytes);
  }

  /** A share link made: named by its token. */
  shareSaved(conversationId: string, token: string): void {
    this.shares.saved(conversationId, token);
  }

  /** A link revoked or never made: its bytes come back. */
  releaseShare(by: { token: string } | { conversationId: string }): void {
    this.shares.release(by);
  }
}
