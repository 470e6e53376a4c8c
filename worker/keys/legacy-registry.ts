import { shardIndex } from "../shared-state/shard";

/**
 * Before issue 22 every key lived in one ApiKeys object named "registry" (table `api_keys`). Its
 * data moves out lazily: each `keys:N` shard, the first time it starts, takes its slice from here
 * (worker/shared-state/import-once.ts), so this object is asked once per shard, ever, and nothing
 * else writes to it. A key's row is deleted here once both its parts have a new home (its record in
 * the shard of its hash, its list entry in the shard of its owner's id), so the object empties itself
 * as the shards start and a later account deletion leaves nothing of the account here.
 */
export const LEGACY_REGISTRY = "registry";

/** A key's lookup record: what `keys:N` holds for authentication. */
export interface KeyRecord {
  hash: string;
  owner: string;
  id: string;
  lastUsedAt: number | null;
}

/** A key as its owner's list holds it (`owner:<userId>`): the hash finds the record to revoke. */
export interface OwnedKey {
  id: string;
  name: string;
  prefix: string;
  hash: string;
  createdAt: number;
}

/** A shard's part of the legacy registry: records by the key's hash, and list entries by the owner's id (held until that owner takes them). */
export interface LegacySlice {
  records: KeyRecord[];
  owned: (OwnedKey & { owner: string })[];
}

interface LegacyRow extends Record<string, SqlStorageValue> {
  id: string;
  owner: string;
  name: string;
  prefix: string;
  hash: string;
  created_at: number;
  last_used_at: number | null;
}

/** Runs in the legacy object: a full scan per shard, 64 scans in the deployment's life. */
export function exportLegacySlice(sql: SqlStorage, index: number, count: number): LegacySlice {
  const rows = sql.exec<LegacyRow>(`SELECT id, owner, name, prefix, hash, created_at, last_used_at FROM api_keys`).toArray();
  return {
    records: rows
      .filter((row) => shardIndex(row.hash, count) === index)
      .map((row) => ({ hash: row.hash, owner: row.owner, id: row.id, lastUsedAt: row.last_used_at })),
    owned: rows
      .filter((row) => shardIndex(row.owner, count) === index)
      .map((row) => ({ owner: row.owner, id: row.id, name: row.name, prefix: row.prefix, hash: row.hash, createdAt: row.created_at })),
  };
}

/** The legacy table, created in every instance so that a deployment that never had one reads it as empty. */
export const LEGACY_REGISTRY_SCHEMA = `
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
  CREATE TABLE IF NOT EXISTS api_keys_handed_over (hash TEXT PRIMARY KEY, parts INTEGER NOT NULL);
`;

/** Which part of a legacy row a shard has stored: its lookup record, or its owner's list entry. */
export const HANDED_OVER = { record: 1, listEntry: 2 } as const;

/** Runs in the legacy object, after a shard has stored its slice: a row both of whose parts are stored elsewhere is deleted. */
export function handOver(sql: SqlStorage, hashes: string[], part: number): void {
  for (const hash of hashes) {
    const { parts } = sql
      .exec<{ parts: number }>(
        `INSERT INTO api_keys_handed_over (hash, parts) VALUES (?, ?) ON CONFLICT (hash) DO UPDATE SET parts = parts | excluded.parts RETURNING parts`,
        hash,
        part,
      )
      .one();
    if (parts === (HANDED_OVER.record | HANDED_OVER.listEntry)) {
      sql.exec(`DELETE FROM api_keys WHERE hash = ?`, hash);
      sql.exec(`DELETE FROM api_keys_handed_over WHERE hash = ?`, hash);
    }
  }
}
