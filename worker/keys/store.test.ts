import { runInDurableObject } from "cloudflare:test";
import { env } from "cloudflare:workers";
import { describe, expect, it } from "vitest";
import { randomId } from "../../contract/ids";
import { SHARD_COUNTS, shardIndex, shardName } from "../shared-state/shard";
import { hashKey, newKey, visiblePrefix } from "./key-format";
import { apiKeys, deleteKeysOf, moveKeys } from "./store";

const keys = apiKeys(env);

async function makeKey(owner: string, name = "k") {
  const key = newKey();
  const hash = await hashKey(key);
  const id = randomId();
  return { key, hash, id, created: await keys.create(owner, { id, name, prefix: visiblePrefix(key), hash }, Date.now()) };
}

/** What the `keys:N` shard named by `name` holds for this hash, read from its own tables. */
function recordIn(name: string, hash: string) {
  return runInDurableObject(
    env.API_KEYS.get(env.API_KEYS.idFromName(name)),
    (_o, state) =>
      state.storage.sql.exec<{ owner: string; id: string }>(`SELECT owner, id FROM key_records WHERE hash = ?`, hash).toArray()[0] ?? null,
  );
}

describe("API keys over shards", () => {
  it("spreads 200 keys over the key shards, each record in the shard of its hash", async () => {
    const made: { hash: string; id: string; owner: string }[] = [];
    for (let person = 0; person < 20; person++) {
      const owner = `spread-${person}-${randomId()}`;
      for (let i = 0; i < 10; i++) {
        const { hash, id, created } = await makeKey(owner);
        expect(created).not.toBeNull();
        made.push({ hash, id, owner });
      }
    }
    // The spread, judged on enough hashes that chance cannot fail it (200 keys over the shards can
    // leave a bin at 4x the mean about once in a thousand runs): 20,000 hashes in the same form (hex
    // SHA-256), the real keys' among them. Each shard is then within 2x the mean (about 12 standard
    // deviations above it) and above half of it.
    const randomHash = () => [...crypto.getRandomValues(new Uint8Array(32))].map((b) => b.toString(16).padStart(2, "0")).join("");
    const sample = [...made.map((m) => m.hash), ...Array.from({ length: 20_000 - made.length }, randomHash)];
    const perShard = new Map<number, number>();
    for (const hash of sample)
      perShard.set(shardIndex(hash, SHARD_COUNTS.keys), (perShard.get(shardIndex(hash, SHARD_COUNTS.keys)) ?? 0) + 1);
    const mean = sample.length / SHARD_COUNTS.keys;
    expect(perShard.size).toBe(SHARD_COUNTS.keys);
    expect(Math.max(...perShard.values())).toBeLessThanOrEqual(2 * mean);
    expect(Math.min(...perShard.values())).toBeGreaterThanOrEqual(mean / 2);

    // The record is where the lookup goes, and only there.
    for (const { hash, id, owner } of made.slice(0, 20)) {
      expect(await recordIn(shardName("keys", hash), hash)).toEqual({ owner, id });
      const elsewhere = `keys:${(shardIndex(hash, SHARD_COUNTS.keys) + 1) % SHARD_COUNTS.keys}`;
      expect(await recordIn(elsewhere, hash)).toBeNull();
      expect(await keys.authenticate(hash, Date.now())).toBe(owner);
    }
  });

  it("takes the limit in the owner's object atomically: of 15 parallel creations, 10 succeed", async () => {
    const owner = `parallel-${randomId()}`;
    const results = await Promise.all(Array.from({ length: 15 }, () => makeKey(owner)));
    const made = results.filter((r) => r.created);
    expect(made).toHaveLength(10);
    // The refused ones left no lookup record: they never work.
    for (const refused of results.filter((r) => !r.created)) expect(await keys.authenticate(refused.hash, Date.now())).toBeNull();
    expect(await keys.list(owner)).toHaveLength(10);
  });

  it("a revoked key fails on the very next lookup, and its record is gone from its shard", async () => {
    const owner = `revoke-${randomId()}`;
    const { hash, id } = await makeKey(owner, "to revoke");
    const kept = await makeKey(owner, "kept");
    expect(await keys.authenticate(hash, Date.now())).toBe(owner);
    // Someone else's id is not found for this owner, and changes nothing.
    expect(await keys.revoke(`stranger-${randomId()}`, id)).toBe(false);
    expect(await keys.authenticate(hash, Date.now())).toBe(owner);

    expect(await keys.revoke(owner, id)).toBe(true);
    expect(await keys.authenticate(hash, Date.now())).toBeNull();
    expect(await recordIn(shardName("keys", hash), hash)).toBeNull();
    expect((await keys.list(owner)).map((k) => k.name)).toEqual(["kept"]);
    expect(await keys.authenticate(kept.hash, Date.now())).toBe(owner);
    expect(await keys.revoke(owner, id)).toBe(false);
  });

  it("a guest's keys follow them into an account; an account's keys die with it", async () => {
    const guest = `guest-${randomId()}`;
    const account = `account-${randomId()}`;
    const guestKeys = [await makeKey(guest, "g1"), await makeKey(guest, "g2")];
    const accountKey = await makeKey(account, "a1");
    // Used before the move: its last use travels with the record.
    await keys.authenticate(guestKeys[0].hash, 5_000);

    expect(await moveKeys(env, guest, account)).toBe(2);
    for (const { hash } of guestKeys) expect(await keys.authenticate(hash, 10_000_000)).toBe(account);
    expect(await keys.list(guest)).toEqual([]);
    const listed = await keys.list(account);
    expect(listed.map((k) => k.name).sort()).toEqual(["a1", "g1", "g2"]);
    expect(listed.find((k) => k.name === "g1")?.lastUsedAt).toBe(10_000_000);
    // Moving again finds nothing left to move.
    expect(await moveKeys(env, guest, account)).toBe(0);

    expect(await deleteKeysOf(env, account)).toBe(3);
    for (const { hash } of [...guestKeys, accountKey]) {
      expect(await keys.authenticate(hash, Date.now())).toBeNull();
      expect(await recordIn(shardName("keys", hash), hash)).toBeNull();
    }
    expect(await keys.list(account)).toEqual([]);
  });
});
