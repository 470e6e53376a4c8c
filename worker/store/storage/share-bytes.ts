import type { ByteBudget } from "./byte-budget";

/**
 * The bytes of each shared conversation's snapshot: the snapshot lives in the shares store
 * (worker/share/), but it is the person's, so it counts in their byte budget (a trigger on this table).
 */
export class ShareBytes {
  constructor(
    private readonly storage: DurableObjectStorage,
    private readonly budget: ByteBudget,
  ) {}

  /** Counted before the snapshot is written; sharing again replaces the bytes counted for it. Refused when it does not fit. */
  hold(conversationId: string, bytes: number): void {
    this.storage.transactionSync(() =>
      this.budget.within("This shared link", () =>
        this.storage.sql.exec(
          `INSERT INTO share_bytes (conversation_id, bytes) VALUES (?, ?) ON CONFLICT (conversation_id) DO UPDATE SET bytes = excluded.bytes`,
          conversationId,
          bytes,
        ),
      ),
    );
  }

  /** The link's token, once made, so revoking it by token gives its bytes back. */
  saved(conversationId: string, token: string): void {
    this.storage.sql.exec(`UPDATE share_bytes SET token = ? WHERE conversation_id = ?`, token, conversationId);
  }

  /** A link revoked (by its token) or never made (by its conversation): its bytes come back. */
  release(by: { token: string } | { conversationId: string }): void {
    if ("token" in by) this.storage.sql.exec(`DELETE FROM share_bytes WHERE token = ?`, by.token);
    else this.storage.sql.exec(`DELETE FROM share_bytes WHERE conversation_id = ? AND token IS NULL`, by.conversationId);
  }

  /** A deleted conversation's snapshot (its link is revoked by the route, worker/routes/conversations.ts). */
  forget(conversationId: string): void {
    this.storage.sql.exec(`DELETE FROM share_bytes WHERE conversation_id = ?`, conversationId);
  }
}
