/**
 * The rules of leasing: a person's ledger does not ask a shared counter for every reservation, it
 * draws a slice (a lease) and spends it locally. These are the pure parts, kept apart so they can be
 * read and tested alone.
 */

/** One shared counter a pool draws from: a Durable Object name and the most it lends a day. */
export interface PoolShard {
  name: string;
  limit: number;
}

/**
 * A budget a reservation must fit in besides the person's own: the deployment's ("global", over the
 * `budget:N` shards, the person's home shard first) or an address bucket's (one `addresses:N` shard).
 */
export interface Pool {
  name: string;
  kind: "global" | "address";
  /** The key the shards count under: "*" for the global budget, the address bucket otherwise. */
  bucket: string;
  /** The whole pool's daily limit, for a refusal's sentence. */
  limit: number;
  shards: PoolShard[];
}

/** A first lease: a few answers' worth, so a person who asks once or twice ties up little. */
export const LEASE_BASE = 200;
/** A shard found empty is not asked again for this long (it only refills when someone gives a lease back). */
export const DRY_MS = 10 * 60_000;
/**
 * A ledger idle this long gives its unused leases back and reports its day to its budget shard, so
 * leased room is locked up only while its person is active, and the usage page is at most this late.
 */
export const IDLE_MS = 5 * 60_000;

/**
 * How much to draw: what the reservations waiting on this pool still lack (`short`), plus headroom
 * that doubles with each draw of the day, so a busy person draws a handful of times a day, not per
 * request. The headroom never exceeds what the person may still spend today (more would only lie
 * unused), nor a quarter of the shard's slice (so one person cannot empty a shard on their first ask).
 */
export function leaseWant(short: number, drawsToday: number, personRoom: number, shardLimit: number): number {
  const grow = LEASE_BASE * 2 ** Math.min(drawsToday, 20);
  return short + Math.max(0, Math.min(grow - short, personRoom, Math.floor(shardLimit / 4)));
}

/** Shard `index`'s part of a daily limit split over `count` shards: the parts add up to the limit exactly. */
export function sliceOf(limit: number, index: number, count: number): number {
  return Math.floor(limit / count) + (index < limit % count ? 1 : 0);
}

/**
 * Shards this isolate has seen empty, shared by every ledger it runs: a ledger remembers its own dry
 * shards (DRY_MS), but a new person's ledger knows none, so once the global budget was spent every new
 * identity asked all 16 `budget:N` shards before being refused (bench:scale: each shard took 9% of all
 * requests). Kept briefly, since an idle ledger's give-back refills a shard: within a minute this
 * isolate asks an empty shard once, whoever is asking.
 */
export const ISOLATE_DRY_MS = 60_000;
const seenDry = new Map<string, number>();

/** The shard's slice is part of the key: a changed budget is a different shard as far as this memory goes. */
const dryKey = (day: string, bucket: string, shard: PoolShard) => `${day}|${bucket}|${shard.name}|${shard.limit}`;

export function seenDryUntil(day: string, bucket: string, shard: PoolShard, now: number): boolean {
  const key = dryKey(day, bucket, shard);
  const until = seenDry.get(key);
  if (until === undefined) return false;
  if (until > now) return true;
  seenDry.delete(key);
  return false;
}

export function sawDry(day: string, bucket: string, shard: PoolShard, now: number): void {
  // Bounded: one entry per shard and bucket seen empty, and an address bucket has one shard.
  if (seenDry.size > 10_000) seenDry.clear();
  seenDry.set(dryKey(day, bucket, shard), now + ISOLATE_DRY_MS);
}

/** For tests: forget what this isolate has seen. */
export function forgetSeenDry(): void {
  seenDry.clear();
}
