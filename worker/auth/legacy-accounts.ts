import { shardIndex } from "../shared-state/shard";

/**
 * The one Accounts object of deployments before issue 22 (`idFromName("accounts")`) held every
 * account, passkey, invite and old-cookie claim. Its successors (the `account:<userId>` objects and
 * the `credentials:N` / `invites:N` shards) each read their own slice from it once, the first time
 * they start, and record that in their storage: the singleton is never asked on every request.
 * Challenges (five minutes) and the per-address counts (one hour) are not carried over: at worst a
 * sign-in in progress during the deploy is asked again, and an address gets one fresh hour.
 */
export const LEGACY_ACCOUNTS_NAME = "accounts";

/** The singleton's tables, as that version made them (kept for reading, and for tests that seed one). */
export const LEGACY_SCHEMA = `
  CREATE TABLE IF NOT EXISTS accounts (user_id TEXT PRIMARY KEY, name TEXT NOT NULL, owner INTEGER NOT NULL, created_at INTEGER NOT NULL);
  CREATE TABLE IF NOT EXISTS credentials (
    id TEXT PRIMARY KEY, user_id TEXT NOT NULL REFERENCES accounts(user_id) ON DELETE CASCADE, public_key BLOB NOT NULL,
    counter INTEGER NOT NULL, transports TEXT NOT NULL, created_at INTEGER NOT NULL, last_used_at INTEGER
  );
  CREATE TABLE IF NOT EXISTS invites (code TEXT PRIMARY KEY, created_by TEXT NOT NULL, created_at INTEGER NOT NULL);
  CREATE TABLE IF NOT EXISTS legacy_claims (user_id TEXT PRIMARY KEY, at INTEGER NOT NULL);
`;

export interface LegacyAccountSlice {
  account: { name: string; owner: boolean; createdAt: number } | null;
  passkeys: { id: string; publicKey: ArrayBuffer; counter: number; transports: string; createdAt: number; lastUsedAt: number | null }[];
  invites: { code: string; createdAt: number }[];
  /** The pre-cookie-format `uid` of this id was already honoured once. */
  claimed: boolean;
}

function hasLegacyTables(sql: SqlStorage): boolean {
  return sql.exec(`SELECT 1 FROM sqlite_master WHERE type = 'table' AND name = 'accounts'`).toArray().length > 0;
}

/** Everything the singleton holds about one user id (run inside the singleton). */
export function legacyAccountSlice(sql: SqlStorage, userId: string): LegacyAccountSlice {
  if (!hasLegacyTables(sql)) return { account: null, passkeys: [], invites: [], claimed: false };
  const row = sql
    .exec<{ name: string; owner: number; created_at: number }>(`SELECT name, owner, created_at FROM accounts WHERE user_id = ?`, userId)
    .toArray()[0];
  const passkeys = sql
    .exec<{ id: string; public_key: ArrayBuffer; counter: number; transports: string; created_at: number; last_used_at: number | null }>(
      `SELECT id, public_key, counter, transports, created_at, last_used_at FROM credentials WHERE user_id = ?`,
      userId,
    )
    .toArray()
    .map((p) => ({
      id: p.id,
      publicKey: p.public_key,
      counter: p.counter,
      transports: p.transports,
      createdAt: p.created_at,
      lastUsedAt: p.last_used_at,
    }));
  const invites = sql
    .exec<{ code: string; created_at: number }>(`SELECT code, created_at FROM invites WHERE created_by = ?`, userId)
    .toArray()
    .map((i) => ({ code: i.code, createdAt: i.created_at }));
  const claimed = sql.exec(`SELECT 1 FROM legacy_claims WHERE user_id = ?`, userId).toArray().length > 0;
  return { account: row ? { name: row.name, owner: row.owner === 1, createdAt: row.created_at } : null, passkeys, invites, claimed };
}

/** The credential id → account pairs that belong in shard `index` of `count` (run inside the singleton). */
export function legacyCredentialSlice(sql: SqlStorage, index: number, count: number): { id: string; userId: string }[] {
  if (!hasLegacyTables(sql)) return [];
  return sql
    .exec<{ id: string; user_id: string }>(`SELECT id, user_id FROM credentials`)
    .toArray()
    .filter((row) => shardIndex(row.id, count) === index)
    .map((row) => ({ id: row.id, userId: row.user_id }));
}

/** The invite code → maker pairs that belong in shard `index` of `count` (run inside the singleton). */
export function legacyInviteSlice(sql: SqlStorage, index: number, count: number): { code: string; createdBy: string; createdAt: number }[] {
  if (!hasLegacyTables(sql)) return [];
  return sql
    .exec<{ code: string; created_by: string; created_at: number }>(`SELECT code, created_by, created_at FROM invites`)
    .toArray()
    .filter((row) => shardIndex(row.code, count) === index)
    .map((row) => ({ code: row.code, createdBy: row.created_by, createdAt: row.created_at }));
}
