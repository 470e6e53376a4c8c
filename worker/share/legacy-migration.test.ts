import { runInDurableObject } from "cloudflare:test";
import { env, exports } from "cloudflare:workers";
import { describe, expect, it } from "vitest";
import { randomBase64Url, randomId } from "../../contract/ids";
import { SHARE_LIMITS } from "../../contract/share-api";
import { SHARD_COUNTS, shardIndex } from "../shared-state/shard";
import { LEGACY_SHARES, LEGACY_SHARES_SCHEMA } from "./legacy-shares";
import type { Shares } from "./shares-object";
import { sharesStore } from "./stub";

const shares = sharesStore(env);

function legacyObject() {
  return env.SHARES.get(env.SHARES.idFromName(LEGACY_SHARES));
}

function visit(token: string) {
  return exports.default.fetch(new Request(`http://app.test/api/shared/${token}`, { headers: { "cf-connecting-ip": "192.0.2.7" } }));
}

describe("share links of an older deployment (the one 'shares' object)", () => {
  // One test: the shards import their slice once, so the legacy links must be there before any shard starts.
  it("are read through their shards, listed, limited and revoked as new ones, and the legacy object is not needed once emptied", async () => {
    const owner = `legacy-owner-${randomId()}`;
    const links = Array.from({ length: SHARE_LIMITS.maxLinksPerPerson - 1 }, (_, i) => ({
      token: randomBase64Url(32),
      conversationId: randomId(),
      title: `old ${i}`,
      createdAt: 1_000 + i,
    }));
    await runInDurableObject(legacyObject(), (_o, state) => {
      state.storage.sql.exec(LEGACY_SHARES_SCHEMA);
      for (const l of links) {
        state.storage.sql.exec(
          `INSERT INTO shares (token, owner, conversation_id, title, snapshot, created_at, updated_at) VALUES (?, ?, ?, ?, ?, ?, ?)`,
          l.token,
          owner,
          l.conversationId,
          l.title,
          JSON.stringify({ title: l.title, sharedAt: l.createdAt, messages: [] }),
          l.createdAt,
          l.createdAt,
        );
      }
    });

    // A visitor's read goes to the token's shard, which imported its slice on first start.
    for (const l of links.slice(0, 10)) {
      const response = await visit(l.token);
      expect(response.status).toBe(200);
      expect(((await response.json()) as { title: string }).title).toBe(l.title);
    }
    // The owner's list took their entries, newest first as before.
    expect((await shares.list(owner)).map((l) => l.token)).toEqual(links.map((l) => l.token).reverse());

    // Once every link's snapshot and list entry have their new homes, the legacy object holds nothing
    // of them (so deleting the account later leaves nothing there), and is not missed.
    for (const l of links) expect(await shares.read(l.token)).not.toBeNull();
    const left = await runInDurableObject(legacyObject(), (_o, state) => ({
      rows: state.storage.sql.exec<{ n: number }>(`SELECT COUNT(*) AS n FROM shares`).one().n,
      marks: state.storage.sql.exec<{ n: number }>(`SELECT COUNT(*) AS n FROM shares_handed_over`).one().n,
    }));
    expect(left).toEqual({ rows: 0, marks: 0 });
    for (const l of links) expect(await shares.read(l.token)).not.toBeNull();

    // The legacy links count toward the limit; re-sharing one keeps its token.
    expect(await shares.share(owner, randomId(), "the hundredth", "{}", SHARE_LIMITS.maxLinksPerPerson)).not.toBe("limit");
    expect(await shares.share(owner, randomId(), "one too many", "{}", SHARE_LIMITS.maxLinksPerPerson)).toBe("limit");
    const again = await shares.share(owner, links[0].conversationId, "updated", '{"title":"updated"}', SHARE_LIMITS.maxLinksPerPerson);
    expect(again).toMatchObject({ created: false, link: { token: links[0].token } });
    expect(await shares.read(links[0].token)).toBe('{"title":"updated"}');

    // Revoking a legacy link takes effect at once.
    expect(await shares.revoke(owner, links[1].token)).toBe(true);
    expect((await visit(links[1].token)).status).toBe(404);
  });

  it("exports a shard's slice in pages bounded in bytes, each snapshot once", async () => {
    // A fresh object, so this test's rows are the whole table.
    const source = env.SHARES.get(env.SHARES.newUniqueId()) as unknown as Shares;
    const rows = Array.from({ length: 400 }, (_, i) => ({ token: randomBase64Url(32), snapshot: "x".repeat(1_000 + i) }));
    await runInDurableObject(source as unknown as DurableObjectStub, (_o, state) => {
      for (const r of rows) {
        state.storage.sql.exec(
          `INSERT INTO shares (token, owner, conversation_id, title, snapshot, created_at, updated_at) VALUES (?, 'o', ?, 't', ?, 1, 1)`,
          r.token,
          r.token,
          r.snapshot,
        );
      }
    });
    const index = shardIndex(rows[0].token, SHARD_COUNTS.shares);
    const expected = rows.filter((r) => shardIndex(r.token, SHARD_COUNTS.shares) === index).map((r) => r.token);
    const seen: string[] = [];
    let after: string | null = "";
    let pages = 0;
    while (after !== null) {
      const page = await source.exportLegacySnapshots(index, SHARD_COUNTS.shares, after, 2_500);
      expect(page.snapshots.reduce((n, s) => n + s.snapshot.length, 0)).toBeLessThanOrEqual(
        Math.max(2_500, page.snapshots[0]?.snapshot.length ?? 0),
      );
      seen.push(...page.snapshots.map((s) => s.token));
      after = page.next;
      pages++;
    }
    expect(seen.sort()).toEqual(expected.sort());
    expect(pages).toBeGreaterThan(1);
  });
});
