import { DurableObject } from "cloudflare:workers";
import { randomBase64Url } from "../../contract/ids";
import type { ShareLink } from "../../contract/share-api";
import { bornAfterMigration } from "../auth/account-store";
import { namedStub, type PlainRpc } from "../rpc";
import { ImportOnce } from "../shared-state/import-once";
import { SHARD_COUNTS, shardIndex, shardStub } from "../shared-state/shard";
import {
  exportLegacyPage,
  exportLegacySnapshots,
  HANDED_OVER,
  handOver,
  LEGACY_PAGE_BYTES,
  LEGACY_SHARES,
  LEGACY_SHARES_SCHEMA,
  type LegacyPage,
  type LegacySnapshotPage,
  type OwnedLink,
} from "./legacy-shares";

type Peer = PlainRpc<Pick<Shares, "exportLegacyPage" | "handOverLegacy" | "legacyLinksOf" | "dropLegacyLinksOf">>;

/**
 * Share links, in SQLite Durable Objects whose role comes from their name (worker/share/stub.ts calls them):
 * - `shares:N` (shardStub by the token): token → snapshot. A visitor's read touches only this one
 *   of SHARD_COUNTS.shares objects, never the owner's store nor an object for the whole deployment,
 *   and needs no identity.
 * - `owner:<userId>`: that person's links (token, conversation, title, dates) and their limit. A
 *   conversation has at most one link: sharing it again re-snapshots under the same token.
 * - "shares": the legacy singleton, read at most once per shard, and only on a miss (worker/share/legacy-shares.ts).
 * Every instance creates every table; the ones of other roles stay empty.
 */
export class Shares extends DurableObject<Env> {
  private readonly sql: SqlStorage;
  private readonly imports: ImportOnce;
  /** The shard index or owner this instance serves, from its first call: a call for another is a bug. */
  private role: string | undefined;

  constructor(ctx: DurableObjectState, env: Env) {
    super(ctx, env);
    this.sql = ctx.storage.sql;
    this.sql.exec(`
      ${LEGACY_SHARES_SCHEMA}
      CREATE TABLE IF NOT EXISTS snapshots (
        token TEXT PRIMARY KEY,
        snapshot TEXT NOT NULL,
        updated_at INTEGER NOT NULL
      );
      CREATE TABLE IF NOT EXISTS legacy_owned_links (
        owner TEXT NOT NULL,
        token TEXT NOT NULL,
        conversation_id TEXT NOT NULL,
        title TEXT NOT NULL,
        created_at INTEGER NOT NULL,
        updated_at INTEGER NOT NULL,
        PRIMARY KEY (owner, token)
      );
      CREATE TABLE IF NOT EXISTS owned_links (
        token TEXT PRIMARY KEY,
        conversation_id TEXT NOT NULL UNIQUE,
        title TEXT NOT NULL,
        created_at INTEGER NOT NULL,
        updated_at INTEGER NOT NULL
      );
    `);
    this.imports = new ImportOnce(this.sql);
  }

  // shares:N --------------------------------------------------------------------------------------

  /** The snapshot JSON behind a token, or null once revoked (or never made). */
  async read(token: string): Promise<string | null> {
    const index = this.shard(token);
    const find = () => this.sql.exec<{ snapshot: string }>(`SELECT snapshot FROM snapshots WHERE token = ?`, token).toArray()[0]?.snapshot;
    let snapshot = find();
    if (snapshot === undefined && !this.imported()) {
      await this.importSlice(index);
      snapshot = find();
    }
    return snapshot ?? null;
  }

  /**
   * `fresh`: the token was minted just now, so no legacy slice holds it and no import is needed
   * first. A re-share of an older token takes the slice first (if it misses here), so that a later
   * revoke finds the token here and no import can bring its snapshot back.
   */
  async putSnapshot(token: string, snapshot: string, now: number, fresh = false): Promise<void> {
    if (fresh) this.shard(token);
    else await this.readyFor([token]);
    this.sql.exec(`INSERT OR REPLACE INTO snapshots (token, snapshot, updated_at) VALUES (?, ?, ?)`, token, snapshot, now);
  }

  async removeSnapshots(tokens: string[]): Promise<number> {
    if (!tokens.length) return 0;
    await this.readyFor(tokens);
    let removed = 0;
    for (const token of tokens) if (this.sql.exec(`DELETE FROM snapshots WHERE token = ?`, token).rowsWritten) removed++;
    return removed;
  }

  /** The legacy list entries of an owner whose id falls in this shard, for their `owner:` object to take once. */
  async legacyLinksOf(owner: string): Promise<OwnedLink[]> {
    await this.importSlice(this.shard(owner));
    return this.sql.exec<LinkRow>(`SELECT * FROM legacy_owned_links WHERE owner = ?`, owner).toArray().map(toLink);
  }

  async dropLegacyLinksOf(owner: string): Promise<void> {
    await this.importSlice(this.shard(owner));
    this.sql.exec(`DELETE FROM legacy_owned_links WHERE owner = ?`, owner);
  }

  /** The shard index of this token (or owner id), claimed as this instance's role. */
  private shard(key: string): number {
    const index = shardIndex(key, SHARD_COUNTS.shares);
    this.claim(`shares:${index}`);
    return index;
  }

  private imported(): boolean {
    return this.imports.isDone(LEGACY_SHARES);
  }

  /**
   * Before writing or removing snapshots: a token missing here may be an older deployment's that this
   * shard has not taken yet (removing nothing would let the import bring it back later). A token
   * present before the import was minted after the move (or its slice was taken), so needs none.
   */
  private async readyFor(tokens: string[]): Promise<void> {
    const index = this.shard(tokens[0]);
    if (this.imported()) return;
    const missing = tokens.some((token) => !this.sql.exec(`SELECT 1 FROM snapshots WHERE token = ?`, token).toArray().length);
    if (missing) await this.importSlice(index);
  }

  /**
   * The shard's slice of the legacy object (snapshots by token, list entries by owner), in pages,
   * taken once and only on a miss: a deployment without legacy links never asks, one with them asks
   * once per page per shard. Rows already here win (INSERT OR IGNORE): a re-shared snapshot is newer.
   */
  private async importSlice(index: number): Promise<void> {
    await this.imports.ensure(LEGACY_SHARES, async () => {
      const legacy = namedStub<Peer>(this.env.SHARES, LEGACY_SHARES);
      let after: string | null = "";
      while (after !== null) {
        const page: LegacyPage = await legacy.exportLegacyPage(index, SHARD_COUNTS.shares, after, LEGACY_PAGE_BYTES);
        this.ctx.storage.transactionSync(() => {
          for (const s of page.snapshots) {
            this.sql.exec(
              `INSERT OR IGNORE INTO snapshots (token, snapshot, updated_at) VALUES (?, ?, ?)`,
              s.token,
              s.snapshot,
              s.updatedAt,
            );
          }
          for (const l of page.owned) {
            this.sql.exec(
              `INSERT OR IGNORE INTO legacy_owned_links (owner, token, conversation_id, title, created_at, updated_at) VALUES (?, ?, ?, ?, ?, ?)`,
              l.owner,
              l.token,
              l.conversationId,
              l.title,
              l.createdAt,
              l.updatedAt,
            );
          }
        });
        // Only once stored here: a failure before this leaves the legacy rows for the retry.
        if (page.snapshots.length || page.owned.length)
          await legacy.handOverLegacy(
            page.snapshots.map((p) => p.token),
            page.owned.map((l) => l.token),
          );
        after = page.next;
      }
    });
  }

  // owner:<userId> --------------------------------------------------------------------------------

  /**
   * The conversation's link: its existing one (title and date updated, same token), or a new one
   * unless the owner already has `maxPerOwner` ("limit"). The caller then writes the snapshot to the token's shard.
   */
  async reserveLink(
    owner: string,
    conversationId: string,
    title: string,
    now: number,
    maxPerOwner: number,
  ): Promise<{ link: ShareLink; created: boolean } | "limit"> {
    await this.ownerReady(owner);
    return this.ctx.storage.transactionSync(() => {
      const existing = this.sql.exec<LinkRow>(`SELECT * FROM owned_links WHERE conversation_id = ?`, conversationId).toArray()[0];
      if (existing) {
        this.sql.exec(`UPDATE owned_links SET title = ?, updated_at = ? WHERE token = ?`, title, now, existing.token);
        return { link: toLink({ ...existing, title, updated_at: now }), created: false };
      }
      if (this.sql.exec<{ n: number }>(`SELECT COUNT(*) AS n FROM owned_links`).one().n >= maxPerOwner) return "limit";
      const token = newToken();
      this.sql.exec(
        `INSERT INTO owned_links (token, conversation_id, title, created_at, updated_at) VALUES (?, ?, ?, ?, ?)`,
        token,
        conversationId,
        title,
        now,
        now,
      );
      return { link: { token, conversationId, title, createdAt: now, updatedAt: now }, created: true };
    });
  }

  async ownLinks(owner: string): Promise<ShareLink[]> {
    await this.ownerReady(owner);
    return this.sql.exec<LinkRow>(`SELECT * FROM owned_links ORDER BY created_at DESC, token`).toArray().map(toLink);
  }

  /** The owner's link with this token or for this conversation, or null (someone else's token is not found). */
  async findLink(owner: string, by: { token: string } | { conversationId: string }): Promise<ShareLink | null> {
    await this.ownerReady(owner);
    const row =
      "token" in by
        ? this.sql.exec<LinkRow>(`SELECT * FROM owned_links WHERE token = ?`, by.token).toArray()[0]
        : this.sql.exec<LinkRow>(`SELECT * FROM owned_links WHERE conversation_id = ?`, by.conversationId).toArray()[0];
    return row ? toLink(row) : null;
  }

  async forgetLinks(owner: string, tokens: string[]): Promise<number> {
    await this.ownerReady(owner);
    let removed = 0;
    for (const token of tokens) if (this.sql.exec(`DELETE FROM owned_links WHERE token = ?`, token).rowsWritten) removed++;
    return removed;
  }

  /**
   * A guest's links joining the account's list (even past the limit, like keys). Returns the tokens
   * not taken: a conversation the account already shares keeps the account's link.
   */
  async adoptLinks(owner: string, links: ShareLink[]): Promise<string[]> {
    await this.ownerReady(owner);
    return this.insertOwned(links);
  }

  /** An owner's first call takes their legacy list from the shard their id falls in, then lets the shard drop it. */
  private async ownerReady(owner: string): Promise<void> {
    this.claim(`owner:${owner}`);
    await this.imports.ensure("legacy-owner", async () => {
      // Minted after the move (their own account object says so): no legacy list, no shard asked.
      if (await bornAfterMigration(this.env, owner)) return;
      const shard = shardStub<Peer>(this.env.SHARES, "shares", owner);
      const legacy = await shard.legacyLinksOf(owner);
      this.insertOwned(legacy);
      if (legacy.length) await shard.dropLegacyLinksOf(owner);
    });
  }

  private insertOwned(links: ShareLink[]): string[] {
    return this.ctx.storage.transactionSync(() => {
      const refused: string[] = [];
      for (const l of links) {
        this.sql.exec(
          `INSERT OR IGNORE INTO owned_links (token, conversation_id, title, created_at, updated_at) VALUES (?, ?, ?, ?, ?)`,
          l.token,
          l.conversationId,
          l.title,
          l.createdAt,
          l.updatedAt,
        );
        // Ignored either as already taken (a retried merge: fine) or for a conversation that has a link here (refused).
        if (!this.sql.exec<{ n: number }>(`SELECT COUNT(*) AS n FROM owned_links WHERE token = ?`, l.token).one().n) refused.push(l.token);
      }
      return refused;
    });
  }

  // shares (legacy) -------------------------------------------------------------------------------

  exportLegacySnapshots(index: number, count: number, after: string, maxBytes: number): LegacySnapshotPage {
    return exportLegacySnapshots(this.sql, index, count, after, maxBytes);
  }

  exportLegacyPage(index: number, count: number, after: string, maxBytes: number): LegacyPage {
    return exportLegacyPage(this.sql, index, count, after, maxBytes);
  }

  handOverLegacy(snapshots: string[], listEntries: string[]): void {
    this.ctx.storage.transactionSync(() => {
      handOver(this.sql, snapshots, HANDED_OVER.snapshot);
      handOver(this.sql, listEntries, HANDED_OVER.listEntry);
    });
  }

  private claim(role: string): void {
    this.role ??= role;
    if (this.role !== role) throw new Error(`This Shares object serves ${this.role}, not ${role}.`);
  }
}

interface LinkRow extends Record<string, SqlStorageValue> {
  token: string;
  conversation_id: string;
  title: string;
  created_at: number;
  updated_at: number;
}

function toLink(row: LinkRow): ShareLink {
  return { token: row.token, conversationId: row.conversation_id, title: row.title, createdAt: row.created_at, updatedAt: row.updated_at };
}

/** 256 random bits as base64url: 43 characters (see shareTokenSchema). */
function newToken(): string {
  return randomBase64Url(32);
}
