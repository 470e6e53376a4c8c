import { env } from "cloudflare:workers";
import { afterEach, describe, expect, it, vi } from "vitest";
import { newConversationId, readUiStream, TestClient, userMessage } from "../test/client";
import { legacyChunks, recordedRun, sseStream } from "../test/recorded-ai";

afterEach(() => vi.restoreAllMocks());

function watchNamespace() {
  return { idFromName: vi.spyOn(env.USER_STORE, "idFromName"), get: vi.spyOn(env.USER_STORE, "get") };
}

/** Every Durable Object namespace: a visitor's page load must reach none of them, shared or not. */
function watchEveryNamespace() {
  return [env.USER_STORE, env.SPEND_LEDGER, env.ACCOUNTS, env.API_KEYS, env.SHARES].map((namespace) => vi.spyOn(namespace, "idFromName"));
}

const READS: [string, number, unknown][] = [
  ["/api/conversations", 200, { conversations: [], groups: [] }],
  ["/api/conversations?q=trip", 200, { conversations: [] }],
  ["/api/images", 200, { images: [], nextCursor: null }],
  ["/api/vision/threads", 200, { threads: [] }],
  [`/api/conversations/${newConversationId()}`, 404, undefined],
  [`/api/vision/threads/${newConversationId()}`, 404, undefined],
  ["/api/images/AAAAAAAAAAAAAAAAAAAAAA", 404, undefined],
  ["/api/vision/images/AAAAAAAAAAAAAAAAAAAAAA", 404, undefined],
];

describe("a visitor with no identity yet", () => {
  it("reads empty lists, 404s and a full budget without touching the Durable Object namespace", async () => {
    const spies = watchNamespace();
    const everyNamespace = watchEveryNamespace();
    for (const [path, status, body] of READS) {
      const response = await new TestClient().fetch(path);
      expect(response.status, path).toBe(status);
      if (body) expect(await response.json(), path).toEqual(body);
      expect(response.headers.get("set-cookie"), path).toBeNull(); // and reading mints no identity
    }
    const status = (await (await new TestClient().fetch("/api/status")).json()) as { budget: { used: number } };
    expect(status.budget.used).toBe(0);
    expect(spies.idFromName).not.toHaveBeenCalled();
    expect(spies.get).not.toHaveBeenCalled();
    // Not even the spend ledger: every cookieless status read once met one ledger named for the visitor id.
    for (const spy of everyNamespace) expect(spy).not.toHaveBeenCalled();
  });

  it("also changes and deletes nothing without a store: PATCH and DELETE are 404", async () => {
    const spies = watchNamespace();
    const id = newConversationId();
    expect((await new TestClient().json(`/api/conversations/${id}`, "PATCH", { title: "x" })).status).toBe(404);
    expect((await new TestClient().fetch(`/api/conversations/${id}`, { method: "DELETE" })).status).toBe(404);
    expect((await new TestClient().fetch(`/api/vision/threads/${id}`, { method: "DELETE" })).status).toBe(404);
    expect((await new TestClient().fetch("/api/images/AAAAAAAAAAAAAAAAAAAAAA", { method: "DELETE" })).status).toBe(404);
    expect(spies.get).not.toHaveBeenCalled();
  });

  it("once known (a valid cookie), reads their own store and finds what they saved", async () => {
    vi.spyOn(env.AI, "run").mockImplementation(recordedRun(() => sseStream(legacyChunks(["fine"]))).run as never);
    const client = new TestClient();
    const id = newConversationId();
    await readUiStream(await client.chat({ id, messages: [userMessage("remember me")] }));
    const spies = watchNamespace();
    const list = (await (await client.fetch("/api/conversations")).json()) as { conversations: { id: string }[] };
    expect(list.conversations.map((c) => c.id)).toEqual([id]);
    expect(spies.get).toHaveBeenCalledTimes(1);
  });
});
