import { env, exports } from "cloudflare:workers";
import { afterEach, beforeEach, describe, expect, it, vi } from "vitest";
import type { SharedConversation, ShareLink } from "../../contract/share-api";
import { SHARE_LIMITS } from "../../contract/share-api";
import { newConversationId, readUiStream, TestClient, userMessage, appWith } from "../test/client";
import { legacyChunks, recordedRun, sseStream } from "../test/recorded-ai";
import { sharesStore } from "../share/stub";

let answer = "The answer, **in markdown**.";
beforeEach(() => {
  answer = "The answer, **in markdown**.";
  vi.spyOn(env.AI, "run").mockImplementation(recordedRun(() => sseStream(legacyChunks([answer]))).run as never);
});
afterEach(() => vi.restoreAllMocks());

async function startConversation(client: TestClient, text: string) {
  const id = newConversationId();
  await readUiStream(
    await client.chat({
      id,
      model: "@cf/meta/llama-3.3-70b-instruct-fp8-fast",
      system: "secret system prompt",
      messages: [userMessage(text)],
    }),
  );
  return id;
}

async function shareOf(client: TestClient, id: string) {
  const response = await client.fetch(`/api/conversations/${id}/share`, { method: "POST" });
  return { status: response.status, body: (await response.json()) as { share: ShareLink } & { error?: { code: string } } };
}

/** A visitor: no cookie of any kind, as a fresh browser opening the link. */
function visit(token: string) {
  return exports.default.fetch(new Request(`http://app.test/api/shared/${token}`));
}

describe("share links", () => {
  it("lives through create, a stranger's read, update and revoke", async () => {
    const owner = new TestClient();
    const id = await startConversation(owner, "Share this plan");

    const created = await shareOf(owner, id);
    expect(created.status).toBe(201);
    const { token } = created.body.share;
    expect(token).toMatch(/^[A-Za-z0-9_-]{43}$/);
    expect(created.body.share).toMatchObject({ conversationId: id, title: "Share this plan" });

    const read = await visit(token);
    expect(read.status).toBe(200);
    expect(read.headers.get("set-cookie")).toBeNull();
    expect(read.headers.get("x-robots-tag")).toContain("noindex");
    expect(read.headers.get("content-security-policy")).toContain("default-src 'none'");
    expect(read.headers.get("cache-control")).toBe("no-store");
    const snapshot = (await read.json()) as SharedConversation;
    expect(snapshot.title).toBe("Share this plan");
    expect(snapshot.messages.map((m) => [m.role, m.text])).toEqual([
      ["user", "Share this plan"],
      ["assistant", "The answer, **in markdown**."],
    ]);
    expect(snapshot.messages[1]).toMatchObject({ model: "Llama 3.3 70B (fast)", status: "complete" });
    // Nothing private rides along: settings, system prompt, usage, who served it.
    const raw = JSON.stringify(snapshot);
    expect(raw).not.toContain("secret system prompt");
    expect(raw).not.toContain("usage");
    expect(raw).not.toContain("servedBy");

    // The conversation goes on; the link still shows the snapshot until "Update link".
    answer = "A second answer.";
    await readUiStream(await owner.chat({ id, messages: [...(await messagesOf(owner, id)), userMessage("And then?")] }));
    expect(((await (await visit(token)).json()) as SharedConversation).messages).toHaveLength(2);
    const updated = await shareOf(owner, id);
    expect(updated.status).toBe(200);
    expect(updated.body.share.token).toBe(token);
    expect(((await (await visit(token)).json()) as SharedConversation).messages.map((m) => m.text)).toEqual([
      "Share this plan",
      "The answer, **in markdown**.",
      "And then?",
      "A second answer.",
    ]);

    const listed = (await (await owner.fetch("/api/shares")).json()) as { shares: ShareLink[] };
    expect(listed.shares.map((s) => s.token)).toEqual([token]);

    expect((await owner.fetch(`/api/shares/${token}`, { method: "DELETE" })).status).toBe(204);
    const gone = await visit(token);
    expect(gone.status).toBe(404);
    expect(gone.headers.get("set-cookie")).toBeNull();
    expect(((await gone.json()) as any).error.code).toBe("not_found");
    expect(((await (await owner.fetch("/api/shares")).json()) as { shares: ShareLink[] }).shares).toEqual([]);
  });

  it("another person can neither list, revoke nor share someone else's conversation", async () => {
    const owner = new TestClient();
    const stranger = new TestClient();
    const id = await startConversation(owner, "Mine to share");
    const { token } = (await shareOf(owner, id)).body.share;

    expect(((await (await stranger.fetch("/api/shares")).json()) as { shares: ShareLink[] }).shares).toEqual([]);
    const revoke = await stranger.fetch(`/api/shares/${token}`, { method: "DELETE" });
    expect(revoke.status).toBe(404);
    expect((await shareOf(stranger, id)).status).toBe(404);
    expect((await visit(token)).status).toBe(200);
  });

  it("a deleted conversation takes its link with it", async () => {
    const owner = new TestClient();
    const id = await startConversation(owner, "Short-lived");
    const { token } = (await shareOf(owner, id)).body.share;
    expect((await owner.fetch(`/api/conversations/${id}`, { method: "DELETE" })).status).toBe(204);
    expect((await visit(token)).status).toBe(404);
  });

  it("answers 404 for tokens that are malformed or were never made, and sets no cookie", async () => {
    for (const token of ["short", "x".repeat(43), "x".repeat(44), "%2e%2e%2fstatus", "%00"]) {
      const response = await visit(token);
      expect(response.status).toBe(404);
      expect(response.headers.get("set-cookie")).toBeNull();
    }
  });

  it("refuses a conversation too long to share", async () => {
    // Twelve long answers cost more than a guest's daily budget: this person has none, so all are made.
    const owner = new TestClient(undefined, undefined, appWith({ GUEST_DAILY_NEURONS: "0", GLOBAL_DAILY_NEURONS: "0" }));
    answer = "y".repeat(90_000);
    const id = newConversationId();
    // Twelve 90 KB answers: over the 1 MB a snapshot may hold.
    let history: unknown[] = [];
    for (let i = 0; i < 12; i++) {
      await readUiStream(await owner.chat({ id, messages: [...history, userMessage(`part ${i}`)] }));
      history = await messagesOf(owner, id);
    }
    const tooLong = await shareOf(owner, id);
    expect(tooLong.status).toBe(413);
    expect(tooLong.body.error?.code).toBe("too_large");
    expect(((await (await owner.fetch("/api/shares")).json()) as { shares: ShareLink[] }).shares).toEqual([]);
  });

  it("refuses more links than one person may have, but still updates one they have", async () => {
    const owner = new TestClient();
    const id = await startConversation(owner, "One too many");
    const first = await shareOf(owner, id);
    expect(first.status).toBe(201);
    // Fill the rest of the allowance straight in the store: making a hundred conversations
    // through the chat route would meet its rate limit first.
    const userId = owner.userId!;
    const shares = sharesStore(env);
    for (let i = 1; i < SHARE_LIMITS.maxLinksPerPerson; i++) {
      expect(await shares.share(userId, `filler-conversation-${i}`, `filler ${i}`, "{}", SHARE_LIMITS.maxLinksPerPerson)).not.toBe("limit");
    }
    const another = await startConversation(owner, "The hundred and first");
    const over = await shareOf(owner, another);
    expect(over.status).toBe(409);
    expect(over.body.error?.code).toBe("share_limit");
    // Sharing one already shared again is an update of its link, not a new link: allowed at the cap.
    const update = await shareOf(owner, id);
    expect(update.status).toBe(200);
    expect(update.body.share.token).toBe(first.body.share.token);
    // The cap is per person: someone else still shares freely.
    const other = new TestClient();
    expect((await shareOf(other, await startConversation(other, "mine"))).status).toBe(201);
  });
});

async function messagesOf(client: TestClient, id: string): Promise<unknown[]> {
  return ((await (await client.fetch(`/api/conversations/${id}`)).json()) as { messages: unknown[] }).messages;
}
