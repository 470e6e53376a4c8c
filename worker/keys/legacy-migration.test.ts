import { runInDurableObject } from "cloudflare:test";
import { env } from "cloudflare:workers";
import { describe, expect, it } from "vitest";
import { randomId } from "../../contract/ids";
import { allShardNames } from "../shared-state/shard";
import { hashKey, newKey, visiblePrefix } from "./key-format";
import { LEGACY_REGISTRY, LEGACY_REGISTRY_SCHEMA } from "./legacy-registry";
import { apiKeys } from "./store";

const keys = apiKeys(env);

function registry() {
  return env.API_KEYS.get(env.API_KEYS.idFromName(LEGACY_REGISTRY));
}

describe("API keys of an older deployment (the one 'registry' object)", () => {
  // One test: the shards import their slice once, so the legacy keys must be there before any shard starts.
  it("work through the shards and the owner's list, are revoked and limited as new ones, and the registry empties itself", async () => {
    const owner = `legacy-owner-${randomId()}`;
    const legacy = await Promise.all(
      Array.from({ length: 9 }, async (_, i) => {
        const key = newKey();
        return { key, hash: await hashKey(key), id: randomId(), name: `old ${i}`, prefix: visiblePrefix(key), createdAt: 1_000 + i };
      }),
    );
    await runInDurableObject(registry(), (_o, state) => {
      state.storage.sql.exec(LEGACY_REGISTRY_SCHEMA);
      for (const k of legacy) {
        state.storage.sql.exec(
          `INSERT INTO api_keys (id, owner, name, prefix, hash, created_at, last_used_at) VALUES (?, ?, ?, ?, ?, ?, ?)`,
          k.id,
          owner,
          k.name,
          k.prefix,
          k.hash,
          k.createdAt,
          k.createdAt === 1_000 ? 2_000 : null,
        );
      }
    });

    // Authentication reads the key's shard, which imported its slice on first start.
    for (const k of legacy) expect(await keys.authenticate(k.hash, 1_000_000)).toBe(owner);
    // The owner's list took their entries (from the shard their id falls in), last use included.
    const listed = await keys.list(owner);
    expect(listed.map((k) => k.name)).toEqual(legacy.map((k) => k.name));
    expect(listed.every((k) => k.lastUsedAt === 1_000_000)).toBe(true);

    // Each key's record and list entry have their new homes: the registry holds nothing of them (so
    // deleting the account later leaves nothing there), and is not missed.
    const left = await runInDurableObject(registry(), (_o, state) => ({
      rows: state.storage.sql.exec<{ n: number }>(`SELECT COUNT(*) AS n FROM api_keys`).one().n,
      marks: state.storage.sql.exec<{ n: number }>(`SELECT COUNT(*) AS n FROM api_keys_handed_over`).one().n,
    }));
    expect(left).toEqual({ rows: 0, marks: 0 });
    for (const k of legacy) expect(await keys.authenticate(k.hash, 2_000_000)).toBe(owner);

    // The legacy keys count toward the limit: one more (the tenth), then refused.
    const fresh = newKey();
    const made = await keys.create(
      owner,
      { id: randomId(), name: "new", prefix: visiblePrefix(fresh), hash: await hashKey(fresh) },
      3_000_000,
    );
    expect(made).not.toBeNull();
    const over = newKey();
    expect(
      await keys.create(owner, { id: randomId(), name: "over", prefix: visiblePrefix(over), hash: await hashKey(over) }, 3_000_001),
    ).toBeNull();

    // Revoking a legacy key takes effect at once.
    expect(await keys.revoke(owner, legacy[0].id)).toBe(true);
    expect(await keys.authenticate(legacy[0].hash, 4_000_000)).toBeNull();

    // Every shard marked its import done, and the staged list entries were handed over (nothing of the owner stays behind).
    for (const name of allShardNames("keys")) {
      const state = await runInDurableObject(env.API_KEYS.get(env.API_KEYS.idFromName(name)), (_o, s) => ({
        staged: s.storage.sql.exec<{ n: number }>(`SELECT COUNT(*) AS n FROM legacy_owned_keys WHERE owner = ?`, owner).one().n,
        imported: s.storage.sql.exec<{ n: number }>(`SELECT COUNT(*) AS n FROM legacy_imports`).one().n,
      }));
      expect(state.staged).toBe(0);
      // Shards no call reached have not started, and never need the registry until one does.
      expect(state.imported).toBeLessThanOrEqual(1);
    }
  });
});
