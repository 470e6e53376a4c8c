import { env } from "cloudflare:workers";
import { afterEach, beforeEach, describe, expect, it, vi } from "vitest";
import { newConversationId, readUiStream, TestClient, userMessage } from "../test/client";
import { legacyChunks, recordedRun, sseStream } from "../test/recorded-ai";

beforeEach(() => {
  vi.spyOn(env.AI, "run").mockImplementation(recordedRun(() => sseStream(legacyChunks(["fine"]))).run as never);
});
afterEach(() => vi.restoreAllMocks());

async function startConversation(client: TestClient, text: string) {
  const id = newConversationId();
  await readUiStream(await client.chat({ id, messages: [userMessage(text)] }));
  return id;
}

describe("conversations", () => {
  it("lists newest first, searches by title, renames and deletes", async () => {
    const client = new TestClient();
    const a = await startConversation(client, "Plan a trip to Lisbon");
    const b = await startConversation(client, "Explain 50% of a 100_000 budget");
    const list = async (q?: string) =>
      (
        (await (await client.fetch(`/api/conversations${q === undefined ? "" : `?q=${encodeURIComponent(q)}`}`)).json()) as any
      ).conversations.map((c: any) => c.id);

    expect(await list()).toEqual([b, a]);
    expect(await list("lisbon")).toEqual([a]);
    expect(await list("50%")).toEqual([b]);
    expect(await list("_")).toEqual([b]);
    expect(await list("%")).toEqual([b]);

    const renamed = await client.json(`/api/conversations/${a}`, "PATCH", { title: "Lisbon, 4 days" });
    expect(renamed.status).toBe(200);
    expect(((await renamed.json()) as any).conversation.title).toBe("Lisbon, 4 days");
    expect(await list("4 days")).toEqual([a]);

    expect((await client.fetch(`/api/conversations/${a}`, { method: "DELETE" })).status).toBe(204);
    expect(await list()).toEqual([b]);
    expect((await client.fetch(`/api/conversations/${a}`)).status).toBe(404);
  });

  it("makes a title from the first message, cut at a word boundary", async () => {
    const client = new TestClient();
    const id = await startConversation(
      client,
      "Could you please explain how the borrow checker in Rust decides when a reference lives long enough?",
    );
    const { conversation } = (await (await client.fetch(`/api/conversations/${id}`)).json()) as any;
    expect(conversation.title).toBe("Could you please explain how the borrow checker in Rust…");
  });

  it("stores settings changes and refuses a model that is not in the catalog", async () => {
    const client = new TestClient();
    const id = await startConversation(client, "settings");
    const ok = await client.json(`/api/conversations/${id}`, "PATCH", {
      settings: { model: "@cf/qwen/qwen3-30b-a3b-fp8", temperature: 1.1 },
    });
    expect(((await ok.json()) as any).conversation.settings).toMatchObject({ model: "@cf/qwen/qwen3-30b-a3b-fp8", temperature: 1.1 });
    const bad = await client.json(`/api/conversations/${id}`, "PATCH", { settings: { model: "@cf/acme/nope" } });
    expect(bad.status).toBe(400);
    expect(((await bad.json()) as any).error.code).toBe("unknown_model");
  });

  it("refuses an empty rename with a readable 400", async () => {
    const client = new TestClient();
    const id = await startConversation(client, "hello");
    const response = await client.json(`/api/conversations/${id}`, "PATCH", { title: "   " });
    expect(response.status).toBe(400);
    expect(((await response.json()) as any).error.code).toBe("bad_request");
  });
});

describe("isolation between users", () => {
  it("one user never sees, changes or deletes another's conversations", async () => {
    const alice = new TestClient();
    const bob = new TestClient();
    const id = await startConversation(alice, "Alice's secret plan");

    expect(((await (await bob.fetch("/api/conversations")).json()) as any).conversations).toEqual([]);
    expect(((await (await bob.fetch("/api/conversations?q=secret")).json()) as any).conversations).toEqual([]);
    expect((await bob.fetch(`/api/conversations/${id}`)).status).toBe(404);
    expect((await bob.json(`/api/conversations/${id}`, "PATCH", { title: "mine now" })).status).toBe(404);
    expect((await bob.fetch(`/api/conversations/${id}`, { method: "DELETE" })).status).toBe(404);

    // Bob sending to Alice's conversation id only creates a conversation in Bob's own store.
    await readUiStream(await bob.chat({ id, messages: [userMessage("Bob was here")] }));
    const alices = (await (await alice.fetch(`/api/conversations/${id}`)).json()) as any;
    expect(alices.conversation.title).toBe("Alice's secret plan");
    expect(alices.messages.map((m: any) => m.parts[0]?.text)).not.toContain("Bob was here");
  });
});

// The session cookie (signing, expiry, rotation, the old format) is tested in worker/auth/session-cookie.test.ts.

describe("PATCH /api/conversations/:id", () => {
  it("answers 404 for a conversation that does not exist before reading the body", async () => {
    const client = new TestClient();
    await startConversation(client, "mine");
    let pulls = 0;
    const body = new ReadableStream<Uint8Array>({
      pull(controller) {
        pulls++;
        controller.enqueue(new TextEncoder().encode("not json at all, and long ".repeat(100)));
        if (pulls === 50) controller.close();
      },
    });
    const response = await client.fetch(`/api/conversations/${newConversationId()}`, {
      method: "PATCH",
      headers: { "content-type": "application/json" },
      body,
      duplex: "half",
    } as RequestInit);
    expect(response.status).toBe(404);
    expect(((await response.json()) as any).error).toMatchObject({ code: "not_found", message: "That conversation does not exist." });
    // Not parsed (it is not JSON: parsing would have been a 400) and not pulled beyond what the transport buffers.
    expect(pulls).toBeLessThan(50);
  });

  it("is rate limited per person, like the other writes anyone can repeat", async () => {
    const client = new TestClient();
    const id = await startConversation(client, "rename me");
    let passed = 0;
    let refused: Response | undefined;
    // The limiter's window is aligned to the clock, so up to twice the limit may pass before the first refusal.
    while (!refused && passed <= 60) {
      const response = await client.json(`/api/conversations/${id}`, "PATCH", { title: `Name ${passed}` });
      if (response.status === 429) refused = response;
      else expect(response.status).toBe(200), passed++;
    }
    // The chat that made the conversation counted against the same per-person limiter.
    expect(passed + 1).toBeGreaterThanOrEqual(30);
    expect(passed + 1).toBeLessThanOrEqual(60);
    if (!refused) throw new Error("never limited");
    expect(((await refused.json()) as any).error.code).toBe("rate_limited");
    expect(refused.headers.get("retry-after")).toBe("60");
  });
});

describe("request hygiene", () => {
  it("refuses a cross-origin mutating request", async () => {
    const client = new TestClient();
    const response = await client.fetch("/api/chat", {
      method: "POST",
      headers: { "content-type": "application/json", origin: "https://evil.example" },
      body: JSON.stringify({ id: newConversationId(), messages: [userMessage("hi")] }),
    });
    expect(response.status).toBe(403);
    expect(((await response.json()) as any).error.code).toBe("forbidden_origin");
  });

  it("answers unknown API routes with a JSON 404 and sets protective headers", async () => {
    const response = await new TestClient().fetch("/api/nope");
    expect(response.status).toBe(404);
    expect(((await response.json()) as any).error.code).toBe("not_found");
    expect(response.headers.get("x-content-type-options")).toBe("nosniff");
    expect(response.headers.get("x-request-id")).toBeTruthy();
  });
});
