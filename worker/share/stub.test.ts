import { runInDurableObject } from "cloudflare:test";
import { env } from "cloudflare:workers";
import { describe, expect, it } from "vitest";
import { randomId } from "../../contract/ids";
import { SHARE_LIMITS } from "../../contract/share-api";
import { onAccountDeleted, onGuestMerged } from "../auth/account-hooks";
import { SHARD_COUNTS, shardIndex, shardName } from "../shared-state/shard";
import { sharesStore } from "./stub";

const shares = sharesStore(env);
const snapshotOf = (title: string) => JSON.stringify({ title, sharedAt: 1, messages: [] });

async function share(owner: string, conversationId = randomId(), title = "t") {
  const result = await shares.share(owner, conversationId, title, snapshotOf(title), SHARE_LIMITS.maxLinksPerPerson);
  if (result === "limit") throw new Error("limit");
  return result;
}

/** Whether the `shares:N` object named `name` holds this token's snapshot, read from its own table. */
function heldIn(name: string, token: string) {
  return runInDurableObject(
    env.SHARES.get(env.SHARES.idFromName(name)),
    (_o, state) => state.storage.sql.exec<{ n: number }>(`SELECT COUNT(*) AS n FROM snapshots WHERE token = ?`, token).one().n === 1,
  );
}

describe("share links over shards", () => {
  it("spreads 200 links over the share shards, each snapshot in the shard of its token", async () => {
    const tokens: string[] = [];
    for (let person = 0; person < 4; person++) {
      const owner = `spread-${person}-${randomId()}`;
      for (let i = 0; i < 50; i++) tokens.push((await share(owner, randomId(), `link ${i}`)).link.token);
    }
    // The spread, judged on enough tokens that chance cannot fail it (200 links over the shards left a
    // bin at 4x the mean about once in a thousand runs): 20,000 random tokens like the ones above,
    // the real links among them. Each shard is then within 2x the mean (the mean is about 12
    // standard deviations below that).
    const sample = [...tokens, ...Array.from({ length: 20_000 - tokens.length }, () => randomId())];
    const perShard = new Map<number, number>();
    for (const token of sample)
      perShard.set(shardIndex(token, SHARD_COUNTS.shares), (perShard.get(shardIndex(token, SHARD_COUNTS.shares)) ?? 0) + 1);
    const mean = sample.length / SHARD_COUNTS.shares;
    expect(perShard.size).toBe(SHARD_COUNTS.shares);
    expect(Math.max(...perShard.values())).toBeLessThanOrEqual(2 * mean);
    expect(Math.min(...perShard.values())).toBeGreaterThanOrEqual(mean / 2);

    for (const token of tokens.slice(0, 20)) {
      expect(await heldIn(shardName("shares", token), token)).toBe(true);
      expect(await heldIn(`shares:${(shardIndex(token, SHARD_COUNTS.shares) + 1) % SHARD_COUNTS.shares}`, token)).toBe(false);
      expect(await shares.read(token)).not.toBeNull();
    }
  });

  it("re-sharing keeps the token and replaces the snapshot; the limit is per person and atomic", async () => {
    const owner = `limit-${randomId()}`;
    const conversation = randomId();
    const first = await share(owner, conversation, "first");
    const again = await share(owner, conversation, "second");
    expect(again).toMatchObject({ created: false, link: { token: first.link.token, title: "second" } });
    expect(JSON.parse((await shares.read(first.link.token))!).title).toBe("second");

    // 120 parallel shares of distinct conversations: the list fills to the limit and not one past it.
    const results = await Promise.all(
      Array.from({ length: 120 }, (_, i) => shares.share(owner, randomId(), `c${i}`, snapshotOf(`c${i}`), SHARE_LIMITS.maxLinksPerPerson)),
    );
    expect(results.filter((r) => r !== "limit")).toHaveLength(SHARE_LIMITS.maxLinksPerPerson - 1);
    expect(await shares.list(owner)).toHaveLength(SHARE_LIMITS.maxLinksPerPerson);
  });

  it("a revoked link is unreadable at once; someone else cannot revoke it", async () => {
    const owner = `revoke-${randomId()}`;
    const conversation = randomId();
    const { link } = await share(owner, conversation);
    expect(await shares.revoke(`stranger-${randomId()}`, link.token)).toBe(false);
    expect(await shares.read(link.token)).not.toBeNull();
    expect(await shares.revoke(owner, link.token)).toBe(true);
    expect(await shares.read(link.token)).toBeNull();
    expect(await heldIn(shardName("shares", link.token), link.token)).toBe(false);

    const other = await share(owner, conversation);
    expect(other.link.token).not.toBe(link.token);
    expect(await shares.revokeConversation(owner, conversation)).toBe(true);
    expect(await shares.read(other.link.token)).toBeNull();
    expect(await shares.list(owner)).toEqual([]);
  });

  it("a guest's links follow them into an account; an account's links go with it", async () => {
    const guest = `guest-${randomId()}`;
    const account = `account-${randomId()}`;
    const both = randomId();
    const guestOnly = await share(guest, randomId(), "guest only");
    const guestBoth = await share(guest, both, "guest's copy");
    const accountBoth = await share(account, both, "account's copy");

    for (const move of onGuestMerged) await move(env, guest, account);
    expect(await shares.list(guest)).toEqual([]);
    const listed = await shares.list(account);
    expect(listed.map((l) => l.token).sort()).toEqual([guestOnly.link.token, accountBoth.link.token].sort());
    expect(await shares.read(guestOnly.link.token)).not.toBeNull();
    // The account already shared that conversation: its link stays, the guest's copy is gone entirely.
    expect(await shares.read(guestBoth.link.token)).toBeNull();
    expect(await shares.read(accountBoth.link.token)).not.toBeNull();

    for (const cleanup of onAccountDeleted) await cleanup(env, account);
    for (const token of [guestOnly.link.token, accountBoth.link.token]) {
      expect(await shares.read(token)).toBeNull();
      expect(await heldIn(shardName("shares", token), token)).toBe(false);
    }
    expect(await shares.list(account)).toEqual([]);
  });
});
