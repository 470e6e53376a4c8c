import { DurableObject } from "cloudflare:workers";
import { MAX_API_KEYS } from "../../contract/keys-api";

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

interface KeyRow extends Record<string, SqlStorageValue> {
  id: string;
  owner: string;
  name: string;
  prefix: string;
  created_at: number;
  last_used_at: number | null;
}

/**
 * Every API key of the deployment, in one SQLite Durable Object (a singleton, `apiKeys(env)`): the
 * key → owner lookup must be strongly consistent, so a revoked key fails on the very next request,
 * which a cache or an eventually consistent store (KV) cannot promise. Keys are stored as SHA-256
 * hashes; `owner` is the person's user id (their UserStore's name).
 *
 * Clocks come from the caller, so tests can say what time it is.
 */
export class ApiKeys extends DurableObject<Env> {
  private readonly sql: SqlStorage;

  constructor(ctx: DurableObjectState, env: Env) {
    super(ctx, env);
    this.sql = ctx.storage.sql;
    this.sql.exec(`
      CREATE TABLE IF NOT EXISTS api_keys (
        id TEXT PRIMARY KEY,
        owner TEXT NOT NULL,
        name TEXT NOT NULL,
        prefix TEXT NOT NULL,
        hash TEXT NOT NULL UNIQUE,
        created_at INTEGER NOT NULL,
        last_used_at INTEGER
      );
      CREATE INDEX IF NOT EXISTS api_keys_by_owner ON api_keys (owner, created_at);
    `);
  }

  /** Adds a key, unless the owner already holds the most allowed (then null). */
  create(owner: string, key: { id: string; name: string; prefix: string; hash: string }, now: number): ApiKeyInfo | null {
    return this.ctx.storage.transactionSync(() => {
      if (this.count(owner) >= MAX_KEYS_PER_PERSON) return null;
      this.sql.exec(
        `INSERT INTO api_keys (id, owner, name, prefix, hash, created_at) VALUES (?, ?, ?, ?, ?, ?)`,
        key.id,
        owner,
        key.name,
        key.prefix,
        key.hash,
        now,
      );
      return { id: key.id, name: key.name, prefix: key.prefix, createdAt: now, lastUsedAt: null };
    });
  }

  list(owner: string): ApiKeyInfo[] {
    return this.sql
      .exec<KeyRow>(`SELECT id, owner, name, prefix, created_at, last_used_at FROM api_keys WHERE owner = ? ORDER BY created_at, id`, owner)
      .toArray()
      .map(toInfo);
  }

  /** Only the owner's own key: another person's id is as unknown as a made-up one. */
  revoke(owner: string, id: string): boolean {
    return this.sql.exec(`DELETE FROM api_keys WHERE id = ? AND owner = ?`, id, owner).rowsWritten > 0;
  }

  /**
   * The owner of the key with this hash, or null. Marks the key used, writing only when the stored
   * time is older than LAST_USED_RESOLUTION_MS.
   */
  authenticate(hash: string, now: number): string | null {
    const row = this.sql
      .exec<{ id: string; owner: string; last_used_at: number | null }>(`SELECT id, owner, last_used_at FROM api_keys WHERE hash = ?`, hash)
      .toArray()[0];
    if (!row) return null;
    if (row.last_used_at === null || now - row.last_used_at >= LAST_USED_RESOLUTION_MS) {
      this.sql.exec(`UPDATE api_keys SET last_used_at = ? WHERE id = ?`, now, row.id);
    }
    return row.owner;
  }

  /** For account deletion: the person's keys stop working with their data. */
  deleteAllOf(owner: string): number {
    // Counted first: rowsWritten also counts the index's rows.
    const count = this.count(owner);
    this.sql.exec(`DELETE FROM api_keys WHERE owner = ?`, owner);
    return count;
  }

  /**
   * For a guest who signs in (their data moves to the account's user id): the keys follow. All of
   * them move even past the limit: silently dropping keys that tools rely on would be worse than
   * one person briefly holding more than ten; they cannot create more until they revoke some.
   */
  moveAll(from: string, to: string): number {
    const count = this.count(from);
    this.sql.exec(`UPDATE api_keys SET owner = ? WHERE owner = ?`, to, from);
    return count;
  }

  private count(owner: string): number {
    return this.sql.exec<{ n: number }>(`SELECT COUNT(*) AS n FROM api_keys WHERE owner = ?`, owner).one().n;
  }
}

function toInfo(row: KeyRow): ApiKeyInfo {
  return { id: row.id, name: row.name, prefix: row.prefix, createdAt: row.created_at, lastUsedAt: row.last_used_at };
}
