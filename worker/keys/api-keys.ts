import { DurableObject } from "cloudflare:workers";
import { MAX_API_KEYS } from "../../contract/keys-api";
import { bornAfterMigration } from "../auth/account-store";
import { namedStub, type PlainRpc } from "../rpc";
import { ImportOnce } from "../shared-state/import-once";
import { SHARD_COUNTS, shardIndex, shardStub } from "../shared-state/shard";
import {
  exportLegacySlice,
  HANDED_OVER,
  handOver,
  LEGACY_REGISTRY,
  LEGACY_REGISTRY_SCHEMA,
  type KeyRecord,
  type LegacySlice,
  type OwnedKey,
} from "./legacy-registry";

/** What the owner sees of a key: never the key, never its hash. */
export interface ApiKeyInfo {
  id: string;
  name: string;
  prefix: string;
  createdAt: number;
  lastUsedAt: number | null;
}

/** Most keys one person may hold: each is a standing way to spend their budget. */
export const MAX_KEYS_PER_PERSON = MAX_API_KEYS;

/** `last used` is rewritten at most this often: a write per API call would cost more than the call's lookup. */
export const LAST_USED_RESOLUTION_MS = 60_000;

type Peer = PlainRpc<Pick<ApiKeys, "exportLegacySlice" | "handOverLegacy" | "legacyKeysOf" | "dropLegacyKeysOf">>;

/**
 * API keys, in SQLite Durable Objects whose role comes from their name (worker/keys/store.ts calls them):
 * - `keys:N` (shardStub by the key's SHA-256 hash): the lookup record hash → owner, key id, last used.
 *   Authentication reads only this, so a /v1 call touches one of SHARD_COUNTS.keys objects, never
 *   one for the whole deployment, and a revoked key (its record deleted here first) fails at once:
 *   strongly consistent, which a cache or KV could not promise.
 * - `owner:<userId>`: that person's list of keys (id, name, prefix, hash, created) and its limit.
 * - "registry": the legacy singleton, read at most once per shard, and only on a miss (worker/keys/legacy-registry.ts).
 * Every instance creates every table; the ones of other roles stay empty. Clocks come from the
 * caller, so tests can say what time it is.
 */
export class ApiKeys extends DurableObject<Env> {
  private readonly sql: SqlStorage;
  private readonly imports: ImportOnce;
  /** The shard index or owner this instance serves, from its first call: a call for another is a bug. */
  private role: string | undefined;

  constructor(ctx: DurableObjectState, env: Env) {
    super(ctx, env);
    this.sql = ctx.storage.sql;
    this.sql.exec(`
      ${LEGACY_REGISTRY_SCHEMA}
      CREATE TABLE IF NOT EXISTS key_records (
        hash TEXT PRIMARY KEY,
        owner TEXT NOT NULL,
        id TEXT NOT NULL,
        last_used_at INTEGER
      );
      CREATE TABLE IF NOT EXISTS legacy_owned_keys (
        owner TEXT NOT NULL,
        id TEXT NOT NULL,
        name TEXT NOT NULL,
        prefix TEXT NOT NULL,
        hash TEXT NOT NULL,
        created_at INTEGER NOT NULL,
        PRIMARY KEY (owner, id)
      );
      CREATE TABLE IF NOT EXISTS owned_keys (
        id TEXT PRIMARY KEY,
        name TEXT NOT NULL,
        prefix TEXT NOT NULL,
        hash TEXT NOT NULL UNIQUE,
        created_at INTEGER NOT NULL
      );
    `);
    this.imports = new ImportOnce(this.sql);
  }

  // keys:N ----------------------------------------------------------------------------------------

  /**
   * The owner of the key with this hash, or null. Marks the key used, writing only when the stored
   * time is older than LAST_USED_RESOLUTION_MS.
   */
  async authenticate(hash: string, now: number): Promise<string | null> {
    const index = this.shard(hash);
    const find = () =>
      this.sql
        .exec<{ owner: string; last_used_at: number | null }>(`SELECT owner, last_used_at FROM key_records WHERE hash = ?`, hash)
        .toArray()[0];
    let row = find();
    if (!row && !this.imported()) {
      await this.importSlice(index);
      row = find();
    }
    if (!row) return null;
    if (row.last_used_at === null || now - row.last_used_at >= LAST_USED_RESOLUTION_MS) {
      this.sql.exec(`UPDATE key_records SET last_used_at = ? WHERE hash = ?`, now, hash);
    }
    return row.owner;
  }

  /** A new key's hash is in no legacy slice, and the import's INSERT OR IGNORE leaves the record alone: no import needed first. */
  async addRecord(record: KeyRecord): Promise<void> {
    this.shard(record.hash);
    this.sql.exec(
      `INSERT INTO key_records (hash, owner, id, last_used_at) VALUES (?, ?, ?, ?)`,
      record.hash,
      record.owner,
      record.id,
      record.lastUsedAt,
    );
  }

  /** Only the owner's own records: another person's hash is left alone. */
  async removeRecords(owner: string, hashes: string[]): Promise<number> {
    if (!hashes.length) return 0;
    await this.readyFor(hashes);
    let removed = 0;
    for (const hash of hashes)
      if (this.sql.exec(`DELETE FROM key_records WHERE hash = ? AND owner = ?`, hash, owner).rowsWritten) removed++;
    return removed;
  }

  async moveRecords(from: string, to: string, hashes: string[]): Promise<number> {
    if (!hashes.length) return 0;
    await this.readyFor(hashes);
    let moved = 0;
    for (const hash of hashes)
      if (this.sql.exec(`UPDATE key_records SET owner = ? WHERE hash = ? AND owner = ?`, to, hash, from).rowsWritten) moved++;
    return moved;
  }

  /** When each key was last used, for its owner's list. */
  async lastUsed(hashes: string[]): Promise<Record<string, number | null>> {
    if (!hashes.length) return {};
    await this.readyFor(hashes);
    const used: Record<string, number | null> = {};
    for (const hash of hashes) {
      used[hash] =
        this.sql.exec<{ at: number | null }>(`SELECT last_used_at AS at FROM key_records WHERE hash = ?`, hash).toArray()[0]?.at ?? null;
    }
    return used;
  }

  /** The legacy list entries of an owner whose id falls in this shard, for their `owner:` object to take once. */
  async legacyKeysOf(owner: string): Promise<OwnedKey[]> {
    await this.importSlice(this.shard(owner));
    return this.sql
      .exec<{ id: string; name: string; prefix: string; hash: string; created_at: number }>(
        `SELECT id, name, prefix, hash, created_at FROM legacy_owned_keys WHERE owner = ?`,
        owner,
      )
      .toArray()
      .map((row) => ({ id: row.id, name: row.name, prefix: row.prefix, hash: row.hash, createdAt: row.created_at }));
  }

  async dropLegacyKeysOf(owner: string): Promise<void> {
    await this.importSlice(this.shard(owner));
    this.sql.exec(`DELETE FROM legacy_owned_keys WHERE owner = ?`, owner);
  }

  /** The shard index of this key, claimed as this instance's role. */
  private shard(key: string): number {
    const index = shardIndex(key, SHARD_COUNTS.keys);
    this.claim(`keys:${index}`);
    return index;
  }

  private imported(): boolean {
    return this.imports.isDone(LEGACY_REGISTRY);
  }

  /**
   * Before acting on records: a hash missing here may be a key of an older deployment this shard has
   * not taken yet (deleting or moving nothing would let the import bring it back later). A record
   * present before the import is a new key's, which no legacy slice holds.
   */
  private async readyFor(hashes: string[]): Promise<void> {
    const index = this.shard(hashes[0]);
    if (this.imported()) return;
    const missing = hashes.some((hash) => !this.sql.exec(`SELECT 1 FROM key_records WHERE hash = ?`, hash).toArray().length);
    if (missing) await this.importSlice(index);
  }

  /**
   * The shard's slice of the legacy registry (records by hash, list entries by owner), taken once and
   * only on a miss: a deployment without legacy keys never asks, and one with them asks once per shard.
   */
  private async importSlice(index: number): Promise<void> {
    await this.imports.ensure(LEGACY_REGISTRY, async () => {
      const legacy = namedStub<Peer>(this.env.API_KEYS, LEGACY_REGISTRY);
      const slice = await legacy.exportLegacySlice(index, SHARD_COUNTS.keys);
      this.ctx.storage.transactionSync(() => {
        for (const r of slice.records) {
          this.sql.exec(
            `INSERT OR IGNORE INTO key_records (hash, owner, id, last_used_at) VALUES (?, ?, ?, ?)`,
            r.hash,
            r.owner,
            r.id,
            r.lastUsedAt,
          );
        }
        for (const k of slice.owned) {
          this.sql.exec(
            `INSERT OR IGNORE INTO legacy_owned_keys (owner, id, name, prefix, hash, created_at) VALUES (?, ?, ?, ?, ?, ?)`,
            k.owner,
            k.id,
            k.name,
            k.prefix,
            k.hash,
            k.createdAt,
          );
        }
      });
      if (!slice.records.length && !slice.owned.length) return;
      // Only once stored here: a failure before this leaves the legacy rows for the retry.
      await legacy.handOverLegacy(
        slice.records.map((r) => r.hash),
        slice.owned.map((k) => k.hash),
      );
    });
  }

  // owner:<userId> --------------------------------------------------------------------------------

  /** Adds a key to the owner's list, unless they already hold `max` (then null). Atomic: two parallel creations cannot both take the last place. */
  async reserveKey(owner: string, key: Omit<OwnedKey, "createdAt">, now: number, max = MAX_KEYS_PER_PERSON): Promise<ApiKeyInfo | null> {
    await this.ownerReady(owner);
    return this.ctx.storage.transactionSync(() => {
      if (this.sql.exec<{ n: number }>(`SELECT COUNT(*) AS n FROM owned_keys`).one().n >= max) return null;
      this.sql.exec(
        `INSERT INTO owned_keys (id, name, prefix, hash, created_at) VALUES (?, ?, ?, ?, ?)`,
        key.id,
        key.name,
        key.prefix,
        key.hash,
        now,
      );
      return { id: key.id, name: key.name, prefix: key.prefix, createdAt: now, lastUsedAt: null };
    });
  }

  async ownKeys(owner: string): Promise<OwnedKey[]> {
    await this.ownerReady(owner);
    return this.sql
      .exec<{ id: string; name: string; prefix: string; hash: string; created_at: number }>(
        `SELECT id, name, prefix, hash, created_at FROM owned_keys ORDER BY created_at, id`,
      )
      .toArray()
      .map((row) => ({ id: row.id, name: row.name, prefix: row.prefix, hash: row.hash, createdAt: row.created_at }));
  }

  async forgetKeys(owner: string, ids: string[]): Promise<number> {
    await this.ownerReady(owner);
    let removed = 0;
    for (const id of ids) if (this.sql.exec(`DELETE FROM owned_keys WHERE id = ?`, id).rowsWritten) removed++;
    return removed;
  }

  /**
   * For a guest who signs in: their keys join the account's list, even past the limit. Silently
   * dropping keys that tools rely on would be worse than one person briefly holding more than ten;
   * they cannot create more until they revoke some.
   */
  async adoptKeys(owner: string, keys: OwnedKey[]): Promise<number> {
    await this.ownerReady(owner);
    return this.insertOwned(keys);
  }

  /**
   * An owner's first call takes their legacy list from the shard their id falls in (which took it
   * from the registry), then lets the shard drop it: a deleted account's names leave nothing behind.
   * A person whose id was minted after the move has no legacy list: their own account object says
   * so, and no shard (nor the registry behind it) is asked.
   */
  private async ownerReady(owner: string): Promise<void> {
    this.claim(`owner:${owner}`);
    await this.imports.ensure("legacy-owner", async () => {
      if (await bornAfterMigration(this.env, owner)) return;
      const shard = shardStub<Peer>(this.env.API_KEYS, "keys", owner);
      const legacy = await shard.legacyKeysOf(owner);
      this.insertOwned(legacy);
      if (legacy.length) await shard.dropLegacyKeysOf(owner);
    });
  }

  private insertOwned(keys: OwnedKey[]): number {
    return this.ctx.storage.transactionSync(() => {
      let added = 0;
      for (const k of keys) {
        const { rowsWritten } = this.sql.exec(
          `INSERT OR IGNORE INTO owned_keys (id, name, prefix, hash, created_at) VALUES (?, ?, ?, ?, ?)`,
          k.id,
          k.name,
          k.prefix,
          k.hash,
          k.createdAt,
        );
        // One statement adds at most one key (rowsWritten also counts index rows).
        if (rowsWritten) added++;
      }
      return added;
    });
  }

  // registry (legacy) -----------------------------------------------------------------------------

  exportLegacySlice(index: number, count: number): LegacySlice {
    return exportLegacySlice(this.sql, index, count);
  }

  handOverLegacy(records: string[], listEntries: string[]): void {
    this.ctx.storage.transactionSync(() => {
      handOver(this.sql, records, HANDED_OVER.record);
      handOver(this.sql, listEntries, HANDED_OVER.listEntry);
    });
  }

  private claim(role: string): void {
    this.role ??= role;
    if (this.role !== role) throw new Error(`This ApiKeys object serves ${this.role}, not ${role}.`);
  }
}
