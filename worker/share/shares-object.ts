import { DurableObject } from "cloudflare:workers";
import { randomBase64Url } from "../../contract/ids";
import type { ShareLink } from "../../contract/share-api";

/**
 * Every share link, in one SQLite Durable Object of its own: a visitor's read touches only this
 * object, never the owner's store, and needs no identity. One object serves all reads (small rows,
 * read by primary key); if it ever runs hot, tokens can be spread over several objects by prefix.
 * A conversation has at most one link: sharing it again re-snapshots under the same token.
 */
export class Shares extends DurableObject<Env> {
  private readonly sql: SqlStorage;

  constructor(ctx: DurableObjectState, env: Env) {
    super(ctx, env);
    this.sql = ctx.storage.sql;
    this.sql.exec(`
      CREATE TABLE IF NOT EXISTS shares (
        token TEXT PRIMARY KEY,
        owner TEXT NOT NULL,
        conversation_id TEXT NOT NULL,
        title TEXT NOT NULL,
        snapshot TEXT NOT NULL,
        created_at INTEGER NOT NULL,
        updated_at INTEGER NOT NULL,
        UNIQUE (owner, conversation_id)
      );
    `);
  }

  /** Makes the conversation's link, or re-snapshots the one it has. "limit": the owner has too many. */
  share(
    owner: string,
    conversationId: string,
    title: string,
    snapshot: string,
    maxPerOwner: number,
  ): { link: ShareLink; created: boolean } | "limit" {
    return this.ctx.storage.transactionSync(() => {
      const now = Date.now();
      const existing = this.sql
        .exec<Row>(`SELECT * FROM shares WHERE owner = ? AND conversation_id = ?`, owner, conversationId)
        .toArray()[0];
      if (existing) {
        this.sql.exec(`UPDATE shares SET title = ?, snapshot = ?, updated_at = ? WHERE token = ?`, title, snapshot, now, existing.token);
        return { link: toLink({ ...existing, title, updated_at: now }), created: false };
      }
      const count = this.sql.exec<{ n: number }>(`SELECT COUNT(*) AS n FROM shares WHERE owner = ?`, owner).one().n;
      if (count >= maxPerOwner) return "limit";
      const token = newToken();
      this.sql.exec(
        `INSERT INTO shares (token, owner, conversation_id, title, snapshot, created_at, updated_at) VALUES (?, ?, ?, ?, ?, ?, ?)`,
        token,
        owner,
        conversationId,
        title,
        snapshot,
        now,
        now,
      );
      return { link: { token, conversationId, title, createdAt: now, updatedAt: now }, created: true };
    });
  }

  /** A deleted account's links stop working at once. */
  revokeAll(owner: string): number {
    return this.sql.exec(`DELETE FROM shares WHERE owner = ?`, owner).rowsWritten;
  }

  /** A guest signed in to an account: their links keep working, now as the account's. */
  moveOwner(from: string, to: string): void {
    this.sql.exec(`UPDATE OR IGNORE shares SET owner = ? WHERE owner = ?`, to, from);
  }

  /** The snapshot JSON behind a token, or null once revoked (or never made). */
  read(token: string): string | null {
    return this.sql.exec<{ snapshot: string }>(`SELECT snapshot FROM shares WHERE token = ?`, token).toArray()[0]?.snapshot ?? null;
  }

  list(owner: string): ShareLink[] {
    return this.sql.exec<Row>(`SELECT * FROM shares WHERE owner = ? ORDER BY created_at DESC`, owner).toArray().map(toLink);
  }

  /** Only the owner's own token is removed: someone else's token is "not found" for them. */
  revoke(owner: string, token: string): boolean {
    return this.sql.exec(`DELETE FROM shares WHERE token = ? AND owner = ?`, token, owner).rowsWritten > 0;
  }

  /** A deleted conversation takes its link with it. */
  revokeConversation(owner: string, conversationId: string): boolean {
    return this.sql.exec(`DELETE FROM shares WHERE owner = ? AND conversation_id = ?`, owner, conversationId).rowsWritten > 0;
  }
}

interface Row extends Record<string, SqlStorageValue> {
  token: string;
  owner: string;
  conversation_id: string;
  title: string;
  snapshot: string;
  created_at: number;
  updated_at: number;
}

function toLink(row: Row): ShareLink {
  return { token: row.token, conversationId: row.conversation_id, title: row.title, createdAt: row.created_at, updatedAt: row.updated_at };
}

/** 256 random bits as base64url: 43 characters (see shareTokenSchema). */
function newToken(): string {
  return randomBase64Url(32);
}
