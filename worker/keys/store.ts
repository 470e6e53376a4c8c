import { onAccountDeleted, onGuestMerged } from "../auth/account-hooks";
import { namedStub, type PlainRpc } from "../rpc";
import { SHARD_COUNTS, shardIndex, shardStub } from "../shared-state/shard";
import type { ApiKeyInfo, ApiKeys } from "./api-keys";
import type { OwnedKey } from "./legacy-registry";

export type { ApiKeyInfo };

type ShardRpc = PlainRpc<Pick<ApiKeys, "authenticate" | "addRecord" | "removeRecords" | "moveRecords" | "lastUsed">>;
type OwnerRpc = PlainRpc<Pick<ApiKeys, "reserveKey" | "ownKeys" | "forgetKeys" | "adoptKeys">>;
type Objects = Pick<Env, "API_KEYS">;

/** The key registry as the routes see it: one person's list in `owner:<userId>`, each lookup record in the `keys:N` shard of its hash. */
export interface ApiKeysRpc {
  create(owner: string, key: { id: string; name: string; prefix: string; hash: string }, now: number): Promise<ApiKeyInfo | null>;
  list(owner: string): Promise<ApiKeyInfo[]>;
  revoke(owner: string, id: string): Promise<boolean>;
  authenticate(hash: string, now: number): Promise<string | null>;
  deleteAllOf(owner: string): Promise<number>;
  moveAll(from: string, to: string): Promise<number>;
}

export function apiKeys(env: Objects): ApiKeysRpc {
  return {
    create: (owner, key, now) => createKey(env, owner, key, now),
    list: (owner) => listKeys(env, owner),
    revoke: (owner, id) => revokeKey(env, owner, id),
    // The only call on /v1's path: one shard, never the person's list nor any deployment-wide object.
    authenticate: (hash, now) => shard(env, hash).authenticate(hash, now),
    deleteAllOf: (owner) => deleteKeysOf(env, owner),
    moveAll: (from, to) => moveKeys(env, from, to),
  };
}

/** The place is taken in the owner's list first (the limit, atomically), then the key made to work; a failure undoes the place. */
async function createKey(env: Objects, owner: string, key: Omit<OwnedKey, "createdAt">, now: number): Promise<ApiKeyInfo | null> {
  const list = ownerList(env, owner);
  const reserved = await list.reserveKey(owner, key, now);
  if (!reserved) return null;
  try {
    await shard(env, key.hash).addRecord({ hash: key.hash, owner, id: key.id, lastUsedAt: null });
  } catch (error) {
    await list.forgetKeys(owner, [key.id]).catch(() => {});
    throw error;
  }
  return reserved;
}

/** `last used` lives with the lookup record (written by authentication): read from the shards, at most one call per key. */
async function listKeys(env: Objects, owner: string): Promise<ApiKeyInfo[]> {
  const keys = await ownerList(env, owner).ownKeys(owner);
  const used = Object.assign(
    {},
    ...(await Promise.all([...byShard(keys).values()].map((group) => shard(env, group[0].hash).lastUsed(group.map((k) => k.hash))))),
  );
  return keys.map((k) => ({ id: k.id, name: k.name, prefix: k.prefix, createdAt: k.createdAt, lastUsedAt: used[k.hash] ?? null }));
}

/** Only the owner's own key. The lookup record goes first, so the key fails from this moment; a retry after a failure finishes the list. */
async function revokeKey(env: Objects, owner: string, id: string): Promise<boolean> {
  const list = ownerList(env, owner);
  const key = (await list.ownKeys(owner)).find((k) => k.id === id);
  if (!key) return false;
  await shard(env, key.hash).removeRecords(owner, [key.hash]);
  await list.forgetKeys(owner, [id]);
  return true;
}

/** For account deletion: the person's keys stop working with their data. */
export async function deleteKeysOf(env: Objects, owner: string): Promise<number> {
  const list = ownerList(env, owner);
  const keys = await list.ownKeys(owner);
  await Promise.all(
    [...byShard(keys).values()].map((group) =>
      shard(env, group[0].hash).removeRecords(
        owner,
        group.map((k) => k.hash),
      ),
    ),
  );
  await list.forgetKeys(
    owner,
    keys.map((k) => k.id),
  );
  return keys.length;
}

/**
 * For a guest's data moving to an account: their keys keep working, now as the account. Records
 * first (from then on the keys spend as the account), then the lists; every step is idempotent,
 * so the merge's retry finishes a half-done move.
 */
export async function moveKeys(env: Objects, from: string, to: string): Promise<number> {
  const source = ownerList(env, from);
  const keys = await source.ownKeys(from);
  if (!keys.length) return 0;
  await Promise.all(
    [...byShard(keys).values()].map((group) =>
      shard(env, group[0].hash).moveRecords(
        from,
        to,
        group.map((k) => k.hash),
      ),
    ),
  );
  await ownerList(env, to).adoptKeys(to, keys);
  await source.forgetKeys(
    from,
    keys.map((k) => k.id),
  );
  return keys.length;
}

/** The `owner:<userId>` object of API_KEYS: that person's list of keys. */
export function ownerList(env: Objects, owner: string): OwnerRpc {
  return namedStub<OwnerRpc>(env.API_KEYS, `owner:${owner}`);
}

function shard(env: Objects, hash: string): ShardRpc {
  return shardStub<ShardRpc>(env.API_KEYS, "keys", hash);
}

/** Keys grouped by the shard of their hash, so a person's ten keys cost at most ten calls and usually fewer. */
function byShard(keys: OwnedKey[]): Map<number, OwnedKey[]> {
  const groups = new Map<number, OwnedKey[]>();
  for (const key of keys) {
    const index = shardIndex(key.hash, SHARD_COUNTS.keys);
    groups.set(index, [...(groups.get(index) ?? []), key]);
  }
  return groups;
}

// A deleted account's keys die with it; a guest's keys follow them into the account they sign in to.
onAccountDeleted.push(async (env, userId) => void (await deleteKeysOf(env, userId)));
onGuestMerged.push(async (env, guestId, accountId) => void (await moveKeys(env, guestId, accountId)));
