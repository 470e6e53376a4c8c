import { addressBlock, addressBucket } from "../auth/address";
import { SHARD_COUNTS, shardIndex, shardName } from "../shared-state/shard";
import { type Pool, sliceOf } from "./leases";

/** The daily budgets a reservation must fit in besides the person's own, in neurons; 0 = none. */
export interface SharedBudgets {
  global: number;
  /** Per IPv4 address or IPv6 /64. */
  address: number;
  /** Per IPv6 /48. */
  addressBlock: number;
}

/** The address as the payer carries it: the CF-Connecting-IP value, or "local" without one (dev, tests). */
export const LOCAL_ADDRESS = "local";

/**
 * The shared pools of one person's reservation: the global budget, split over the `budget:N`
 * shards (the person's own shard first, then the next ones in turn, for when it is empty), and the
 * budgets of the client's address bucket and, for IPv6, its /48.
 */
export function poolsOf(spenderKey: string, address: string, budgets: SharedBudgets): Pool[] {
  const pools: Pool[] = [];
  if (budgets.global > 0) {
    const count = SHARD_COUNTS.budget;
    const home = shardIndex(spenderKey, count);
    pools.push({
      name: "global",
      kind: "global",
      bucket: "*",
      limit: budgets.global,
      shards: Array.from({ length: count }, (_, i) => {
        const index = (home + i) % count;
        return { name: `budget:${index}`, limit: sliceOf(budgets.global, index, count) };
      }),
    });
  }
  const ip = address === LOCAL_ADDRESS ? undefined : address;
  const buckets: [string | null, number][] = [
    [addressBucket(ip), budgets.address],
    [addressBlock(ip), budgets.addressBlock],
  ];
  for (const [bucket, limit] of buckets) {
    if (!bucket || limit <= 0) continue;
    pools.push({
      name: `address:${bucket}`,
      kind: "address",
      bucket,
      limit,
      shards: [{ name: shardName("addresses", bucket), limit }],
    });
  }
  return pools;
}
