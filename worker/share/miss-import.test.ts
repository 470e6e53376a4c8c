import { runInDurableObject } from "cloudflare:test";
import { env } from "cloudflare:workers";
import { describe, expect, it } from "vitest";
import { randomBase64Url } from "../../contract/ids";
import { SHARD_COUNTS, shardIndex, shardStub } from "../shared-state/shard";
import { LEGACY_SHARES, LEGACY_SHARES_SCHEMA } from "./legacy-shares";
import type { Shares } from "./shares-object";

type Shard = Pick<Shares, "read" | "putSnapshot" | "removeSnapshots">;

function legacyObject() {
  return env.SHARES.get(env.SHARES.idFromName(LEGACY_SHARES));
}

/** A token that falls in the same shard as `like`, so both meet in one shard's import. */
function tokenBeside(like: string): string {
  for (;;) {
    const token = randomBase64Url(32);
    if (shardIndex(token, SHARD_COUNTS.shares) === shardIndex(like, SHARD_COUNTS.shares)) return token;
  }
}

async function legacyRows(): Promise<number> {
  return runInDurableObject(legacyObject(), (_o, s) => s.storage.sql.exec<{ n: number }>(`SELECT COUNT(*) AS n FROM shares`).one().n);
}

describe("a shares shard that takes its legacy slice only on a miss", () => {
  it("keeps a link written before the import, and a legacy link re-shared then revoked stays revoked", async () => {
    const fresh = randomBase64Url(32);
    const old = tokenBeside(fresh);
    let reshared = fresh;
    // In another shard, which has not taken its slice when the re-share comes.
    while (shardIndex(reshared, SHARD_COUNTS.shares) === shardIndex(fresh, SHARD_COUNTS.shares)) reshared = randomBase64Url(32);
    await runInDurableObject(legacyObject(), (_o, state) => {
      state.storage.sql.exec(LEGACY_SHARES_SCHEMA);
      for (const [token, conversation] of [
        [old, "c-old"],
        [reshared, "c-reshared"],
      ])
        state.storage.sql.exec(
          `INSERT INTO shares (token, owner, conversation_id, title, snapshot, created_at, updated_at) VALUES (?, 'someone', ?, 't', ?, 1, 1)`,
          token,
          conversation,
          `legacy ${token}`,
        );
    });
    const shard = (token: string) => shardStub<Shard>(env.SHARES, "shares", token);

    // A new link's snapshot needs no import: the legacy object is not asked (it still holds both rows).
    await shard(fresh).putSnapshot(fresh, "new", 10, true);
    expect(await shard(fresh).read(fresh)).toBe("new");
    expect(await legacyRows()).toBe(2);

    // A miss takes the slice; the import leaves the newer row alone.
    expect(await shard(old).read(old)).toBe(`legacy ${old}`);
    expect(await shard(fresh).read(fresh)).toBe("new");

    // Re-sharing a legacy link its shard has not taken yet takes the slice first, so revoking it is final.
    await shard(reshared).putSnapshot(reshared, "updated", 20);
    expect(await shard(reshared).read(reshared)).toBe("updated");
    expect(await shard(reshared).removeSnapshots([reshared])).toBe(1);
    expect(await shard(reshared).read(reshared)).toBeNull();
  });
});
