import { env, exports } from "cloudflare:workers";
import { afterEach, describe, expect, it, vi } from "vitest";
import type { CreatedApiKey } from "../../contract/keys-api";
import type { ShareLink } from "../../contract/share-api";
import { LEGACY_SHARES } from "../share/legacy-shares";
import { newConversationId, readUiStream, userMessage } from "../test/client";
import { personWithKey, v1 } from "../test/openai-client";
import { legacyChunks, recordedRun, sseStream } from "../test/recorded-ai";
import { LEGACY_REGISTRY } from "./legacy-registry";

afterEach(() => vi.restoreAllMocks());

/** Every name asked of the API_KEYS and SHARES namespaces, by anyone (routes, shards, owner lists). */
function watchNames() {
  const keys = vi.spyOn(env.API_KEYS, "idFromName");
  const shares = vi.spyOn(env.SHARES, "idFromName");
  return () => ({ keys: keys.mock.calls.map(([name]) => name), shares: shares.mock.calls.map(([name]) => name) });
}

describe("a deployment that never had the legacy singletons", () => {
  it("creates, uses, lists and revokes keys, and shares and reads links, without once asking 'registry' or 'shares'", async () => {
    vi.spyOn(env.AI, "run").mockImplementation(recordedRun(() => sseStream(legacyChunks(["ok"]))).run as never);
    const names = watchNames();

    // Keys: a new guest's first key (cookieless write), used on /v1, listed, a second made and revoked.
    const { client, key, id } = await personWithKey("editor");
    const call = await v1("/chat/completions", key, {
      body: { model: "@cf/meta/llama-3.2-1b-instruct", messages: [{ role: "user", content: "hi" }] },
    });
    expect(call.response.status, call.text).toBe(200);
    const listed = (await (await client.fetch("/api/keys")).json()) as { keys: { id: string }[] };
    expect(listed.keys.map((k) => k.id)).toEqual([id]);
    const second = (await (await client.json("/api/keys", "POST", { name: "spare" })).json()) as CreatedApiKey;
    expect((await client.fetch(`/api/keys/${second.id}`, { method: "DELETE" })).status).toBeLessThan(300);

    // Links: the same person shares a conversation, a stranger reads it, the owner lists it.
    const conversation = newConversationId();
    await readUiStream(await client.chat({ id: conversation, messages: [userMessage("Share this")] }));
    const shared = await client.fetch(`/api/conversations/${conversation}/share`, { method: "POST" });
    expect(shared.status).toBe(201);
    const { token } = ((await shared.json()) as { share: ShareLink }).share;
    const read = await exports.default.fetch(
      new Request(`http://app.test/api/shared/${token}`, { headers: { "cf-connecting-ip": "192.0.2.9" } }),
    );
    expect(read.status).toBe(200);
    const again = await client.fetch(`/api/conversations/${conversation}/share`, { method: "POST" });
    expect(((await again.json()) as { share: ShareLink }).share.token).toBe(token);
    expect(((await (await client.fetch("/api/shares")).json()) as { shares: ShareLink[] }).shares.map((l) => l.token)).toEqual([token]);

    const asked = names();
    // The spies see the shards and owner lists, so they would see the singletons too.
    expect(asked.keys.some((name) => name.startsWith("keys:"))).toBe(true);
    expect(asked.shares.some((name) => name.startsWith("shares:"))).toBe(true);
    expect(asked.keys.filter((name) => name === LEGACY_REGISTRY)).toEqual([]);
    expect(asked.shares.filter((name) => name === LEGACY_SHARES)).toEqual([]);
    expect(new Set(asked.keys.filter((name) => name.startsWith("owner:")))).toEqual(new Set([`owner:${client.userId}`]));

    // A miss may be an older deployment's key, so only a miss asks (once per shard): the revoked key is one.
    const revoked = await v1("/chat/completions", second.key, { body: { model: "@cf/meta/llama-3.2-1b-instruct", messages: [] } });
    expect(revoked.response.status).toBe(401);
  });
});
