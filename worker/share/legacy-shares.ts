import type { ShareLink } from "../../contract/share-api";
import { shardIndex } from "../shared-state/shard";

/**
 * Before issue 22 every link lived in one Shares object named "shares" (table `shares`, snapshot
 * included). Each `shares:N` shard takes its slice of it the first time it misses a token or is asked
 * for an owner's legacy list, page by page (snapshots are up to a megabyte each, and an RPC answer is
 * bounded), so this object is read at most once per shard, ever, and nothing else writes to it. A link's row is deleted here once both its parts
 * have a new home (its snapshot in the shard of its token, its list entry in the shard of its
 * owner's id), so the object empties itself as the shards start, and a later account deletion leaves
 * nothing of the account here.
 */
export const LEGACY_SHARES = "shares";

/** What one page of a legacy export may carry: well under the 32 MiB an RPC answer may be. */
export const LEGACY_PAGE_BYTES = 8_000_000;

export interface StoredSnapshot {
  token: string;
  snapshot: string;
  updatedAt: number;
}

/** A link as its owner's list holds it. */
export type OwnedLink = ShareLink;

/** One page of a shard's slice: snapshots (by token), list entries (by owner; on the first page only), then `next` to ask from; null when done. */
export interface LegacyPage extends LegacySnapshotPage {
  owned: (OwnedLink & { owner: string })[];
}

/** One page of a shard's snapshots (by token), then `next` to ask from; null when done. */
export interface LegacySnapshotPage {
  snapshots: StoredSnapshot[];
  next: string | null;
}

/** The legacy table, created in every instance so that a deployment that never had one reads it as empty. */
export const LEGACY_SHARES_SCHEMA = `
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
  CREATE TABLE IF NOT EXISTS shares_handed_over (token TEXT PRIMARY KEY, parts INTEGER NOT NULL);
`;

/** Which part of a legacy row a shard has stored: its snapshot, or its owner's list entry. */
export const HANDED_OVER = { snapshot: 1, listEntry: 2 } as const;

/** Runs in the legacy object, after a shard has stored part of its slice: a row both of whose parts are stored elsewhere is deleted. */
export function handOver(sql: SqlStorage, tokens: string[], part: number): void {
  for (const token of tokens) {
    const { parts } = sql
      .exec<{ parts: number }>(
        `INSERT INTO shares_handed_over (token, parts) VALUES (?, ?) ON CONFLICT (token) DO UPDATE SET parts = parts | excluded.parts RETURNING parts`,
        token,
        part,
      )
      .one();
    if (parts === (HANDED_OVER.snapshot | HANDED_OVER.listEntry)) {
      sql.exec(`DELETE FROM shares WHERE token = ?`, token);
      sql.exec(`DELETE FROM shares_handed_over WHERE token = ?`, token);
    }
  }
}

/**
 * Runs in the legacy object: one page of shard `index`'s slice, so a shard asks once per page and
 * not once more for its list entries. Those come on the first page (`after` empty) and count toward
 * its bytes: they are small (no snapshot), and the snapshots then fill what is left.
 */
export function exportLegacyPage(sql: SqlStorage, index: number, count: number, after: string, maxBytes: number): LegacyPage {
  const owned = after === "" ? exportLegacyOwned(sql, index, count) : [];
  const ownedBytes = owned.reduce((n, l) => n + 200 + l.title.length * 3 + l.conversationId.length + l.owner.length, 0);
  return { owned, ...exportLegacySnapshots(sql, index, count, after, maxBytes, ownedBytes) };
}

/** Runs in the legacy object: the snapshots whose token falls in shard `index`, after `after`, up to about `maxBytes` (`used` of them already taken). */
export function exportLegacySnapshots(
  sql: SqlStorage,
  index: number,
  count: number,
  after: string,
  maxBytes: number,
  used = 0,
): LegacySnapshotPage {
  const snapshots: StoredSnapshot[] = [];
  let bytes = used;
  const rows = sql
    .exec<{ token: string; size: number }>(
      `SELECT token, length(CAST(snapshot AS BLOB)) AS size FROM shares WHERE token > ? ORDER BY token`,
      after,
    )
    .toArray()
    .filter((row) => shardIndex(row.token, count) === index);
  for (const row of rows) {
    // At least one per page, so a page always moves on.
    if (snapshots.length && bytes + row.size > maxBytes) return { snapshots, next: snapshots[snapshots.length - 1].token };
    const full = sql
      .exec<{ snapshot: string; updated_at: number }>(`SELECT snapshot, updated_at FROM shares WHERE token = ?`, row.token)
      .one();
    snapshots.push({ token: row.token, snapshot: full.snapshot, updatedAt: full.updated_at });
    bytes += row.size;
  }
  return { snapshots, next: null };
}

/** Runs in the legacy object: the list entries of owners whose id falls in shard `index` (held there until each owner takes theirs). */
export function exportLegacyOwned(sql: SqlStorage, index: number, count: number): (OwnedLink & { owner: string })[] {
  return sql
    .exec<{ token: string; owner: string; conversation_id: string; title: string; created_at: number; updated_at: number }>(
      `SELECT token, owner, conversation_id, title, created_at, updated_at FROM shares`,
    )
    .toArray()
    .filter((row) => shardIndex(row.owner, count) === index)
    .map((row) => ({
      owner: row.owner,
      token: row.token,
      conversationId: row.conversation_id,
      title: row.title,
      createdAt: row.created_at,
      updatedAt: row.updated_at,
    }));
}
