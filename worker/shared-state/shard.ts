/**
 * Addressing for state that crosses people (API keys, share links, passkey credentials, challenges,
 * invites, per-address counts, the global budget's counters). None of it lives in one object for
 * the whole deployment: a key is hashed to one of a fixed number of shards, and each shard is its own
 * Durable Object (`idFromName("<namespace>:<shard>")`), so the busiest shard sees about 1/count of
 * the traffic and no script can stall everyone by hammering one object.
 *
 * Shard counts are constants in code, not settings: a record is found by recomputing its shard, so
 * changing a count would strand records. A count is raised only with a migration that re-homes the
 * records (none is needed today; docs/decisions.md, "No deployment-wide object on the hot path").
 */
export const SHARD_COUNTS = {
  /** API key hash → owner (worker/keys/). */
  keys: 64,
  /** Share token → snapshot (worker/share/). */
  shares: 64,
  /** Passkey credential id → account, WebAuthn challenges, invite codes (worker/auth/). */
  credentials: 64,
  challenges: 64,
  invites: 32,
  /** Client address → new-identity counts and the address's daily spend (worker/auth/, worker/spend/). */
  addresses: 64,
  /** Slices of the deployment's daily budget, leased to people's ledgers (worker/spend/). */
  budget: 16,
} as const;

export type ShardNamespace = keyof typeof SHARD_COUNTS;

/** FNV-1a, 32 bits: fast, synchronous, and spreads short random and structured keys evenly. */
export function fnv1a(text: string): number {
  let hash = 0x811c9dc5;
  for (let i = 0; i < text.length; i++) {
    hash ^= text.charCodeAt(i);
    hash = Math.imul(hash, 0x01000193);
  }
  return hash >>> 0;
}

/** Which shard of `count` a key lives in. */
export function shardIndex(key: string, count: number): number {
  return fnv1a(key) % count;
}

/** The Durable Object name of the shard holding `key` in `namespace`. */
export function shardName(namespace: ShardNamespace, key: string): string {
  return `${namespace}:${shardIndex(key, SHARD_COUNTS[namespace])}`;
}

/** Every shard name of a namespace, for the few jobs that must visit them all (the owner's usage page). */
export function allShardNames(namespace: ShardNamespace): string[] {
  return Array.from({ length: SHARD_COUNTS[namespace] }, (_, i) => `${namespace}:${i}`);
}

/** The shard of `key`, as a stub of `namespace`'s Durable Object class, typed as its plain RPC surface. */
export function shardStub<Rpc>(objects: Pick<DurableObjectNamespace, "get" | "idFromName">, namespace: ShardNamespace, key: string): Rpc {
  return objects.get(objects.idFromName(shardName(namespace, key))) as unknown as Rpc;
}
