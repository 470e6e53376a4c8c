import { runInDurableObject } from "cloudflare:test";
import { env } from "cloudflare:workers";
import { describe, expect, it } from "vitest";
import { randomId } from "../../contract/ids";
import { SHARD_COUNTS, shardIndex, shardStub } from "../shared-state/shard";
import type { ApiKeys } from "./api-keys";
import { hashKey, newKey, visiblePrefix } from "./key-format";
import { LEGACY_REGISTRY, LEGACY_REGISTRY_SCHEMA } from "./legacy-registry";

type Shard = Pick<ApiKeys, "authenticate" | "addRecord" | "removeRecords">;

function registry() {
  return env.API_KEYS.get(env.API_KEYS.idFromName(LEGACY_REGISTRY));
}

/** A key whose hash falls in the same shard as `like`'s. */
async function keyBeside(like: string): Promise<{ key: string; hash: string }> {
  for (;;) {
    const key = newKey();
    const hash = await hashKey(key);
    if (shardIndex(hash, SHARD_COUNTS.keys) === shardIndex(like, SHARD_COUNTS.keys)) return { key, hash };
  }
}

describe("a keys shard that takes its legacy slice only on a miss", () => {
  it("keeps a key added before the import, and a legacy key revoked before it stays revoked", async () => {
    const fresh = await hashKey(newKey());
    const old = await keyBeside(fresh);
    let revoked = fresh;
    // In another shard, which has not taken its slice when the revoke comes.
    while (shardIndex(revoked, SHARD_COUNTS.keys) === shardIndex(fresh, SHARD_COUNTS.keys)) revoked = await hashKey(newKey());
    await runInDurableObject(registry(), (_o, state) => {
      state.storage.sql.exec(LEGACY_REGISTRY_SCHEMA);
      for (const { key, hash } of [old, { key: newKey(), hash: revoked }])
        state.storage.sql.exec(
          `INSERT INTO api_keys (id, owner, name, prefix, hash, created_at) VALUES (?, 'old-owner', 'old', ?, ?, 1)`,
          randomId(),
          visiblePrefix(key),
          hash,
        );
    });
    const shard = (hash: string) => shardStub<Shard>(env.API_KEYS, "keys", hash);
    const registryRows = () =>
      runInDurableObject(registry(), (_o, s) => s.storage.sql.exec<{ n: number }>(`SELECT COUNT(*) AS n FROM api_keys`).one().n);

    // A new key's record needs no import, and authenticating it is a hit: the registry is not asked.
    await shard(fresh).addRecord({ hash: fresh, owner: "new-owner", id: randomId(), lastUsedAt: null });
    expect(await shard(fresh).authenticate(fresh, 1_000)).toBe("new-owner");
    expect(await registryRows()).toBe(2);

    // A miss takes the slice; the import leaves the new record alone.
    expect(await shard(old.hash).authenticate(old.hash, 2_000)).toBe("old-owner");
    expect(await shard(fresh).authenticate(fresh, 3_000)).toBe("new-owner");

    // Revoking a legacy key whose shard has not taken its slice takes it first, so the key cannot come back.
    expect(await shard(revoked).removeRecords("old-owner", [revoked])).toBe(1);
    expect(await shard(revoked).authenticate(revoked, 4_000)).toBeNull();
  });
});
