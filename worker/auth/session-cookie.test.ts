import { env } from "cloudflare:workers";
import { afterEach, beforeEach, describe, expect, it, vi } from "vitest";
import { appWith, newConversationId, readUiStream, TestClient, userMessage } from "../test/client";
import { legacyChunks, recordedRun, sseStream } from "../test/recorded-ai";
import { hmacKey, signLegacy, signSession } from "./session-cookie";

// The secret vitest.worker.config.ts gives the Worker.
const SECRET = "worker-tests-only-secret";

beforeEach(() => {
  vi.spyOn(env.AI, "run").mockImplementation(recordedRun(() => sseStream(legacyChunks(["fine"]))).run as never);
});
afterEach(() => vi.restoreAllMocks());

async function startConversation(client: TestClient, text: string): Promise<string> {
  const id = newConversationId();
  await readUiStream(await client.chat({ id, messages: [userMessage(text)] }));
  return id;
}

describe("session cookie", () => {
  it("is made by the first write: __Host-, Secure, HttpOnly, SameSite=Lax, a version and expiry inside", async () => {
    const client = new TestClient();
    const first = await client.json("/api/session/guest", "POST", {});
    const [line] = first.headers.getSetCookie();
    expect(line).toMatch(/^__Host-session=v2\.g\.[A-Za-z0-9_-]{22}\.\d+\.0\.0\.[A-Za-z0-9_-]{43};/);
    expect(line).toContain("HttpOnly");
    expect(line).toContain("SameSite=Lax");
    expect(line).toContain("Secure");
    expect(line).toContain("Path=/");
    expect(line).not.toContain("Domain");
    const expires = Number(client.jar.get("__Host-session")!.split(".")[3]);
    expect(expires * 1000 - Date.now()).toBeGreaterThan(364 * 86_400_000);
    expect((await client.fetch("/api/conversations")).headers.getSetCookie()).toEqual([]);
  });

  it("is unprefixed and not Secure only on plain-http localhost, where browsers refuse __Host- without https", async () => {
    const local = new TestClient(null, "http://localhost:5173");
    const [line] = (await local.json("/api/session/guest", "POST", {})).headers.getSetCookie();
    expect(line).toMatch(/^session=v2\.g\./);
    expect(line).not.toContain("Secure");
    const https = new TestClient(undefined, "https://localhost");
    expect((await https.json("/api/session/guest", "POST", {})).headers.getSetCookie()[0]).toMatch(/^__Host-session=.*Secure/);
  });

  it("a forged, tampered or expired cookie is not the claimed person", async () => {
    const alice = new TestClient();
    const id = await startConversation(alice, "mine");
    const value = alice.jar.get("__Host-session")!;
    const forger = new TestClient();
    for (const forged of [`${value.slice(0, -2)}AA`, value.replace(".g.", ".a."), value.split(".").slice(0, 6).join("."), alice.userId!]) {
      forger.cookie = `__Host-session=${forged}`;
      expect((await forger.fetch(`/api/conversations/${id}`)).status).toBe(404);
    }
    const expired = await signSession(await hmacKey(SECRET), {
      kind: "guest",
      userId: alice.userId!,
      expiresAt: Math.floor(Date.now() / 1000) - 1,
      generation: 0,
      verifiedAt: 0,
    });
    forger.cookie = `__Host-session=${expired}`;
    expect((await forger.fetch(`/api/conversations/${id}`)).status).toBe(404);
    expect((await alice.fetch(`/api/conversations/${id}`)).status).toBe(200);
  });

  it("rotation: a cookie signed with SESSION_SECRET_PREVIOUS still works and is re-signed with the current secret", async () => {
    const alice = new TestClient();
    const id = await startConversation(alice, "before rotation");
    const rotated = appWith({ SESSION_SECRET: "the-new-secret", SESSION_SECRET_PREVIOUS: SECRET });
    const after = new TestClient(alice.address, undefined, rotated);
    after.cookie = alice.cookie;
    const response = await after.fetch(`/api/conversations/${id}`);
    expect(response.status).toBe(200);
    const reissued = after.jar.get("__Host-session")!;
    expect(reissued).not.toBe(alice.jar.get("__Host-session"));
    expect(after.userId).toBe(alice.userId);
    const expected = await signSession(await hmacKey("the-new-secret"), {
      kind: "guest",
      userId: alice.userId!,
      expiresAt: Number(reissued.split(".")[3]),
      generation: 0,
      verifiedAt: 0,
    });
    expect(reissued).toBe(expected);
    // Once the previous secret is dropped, the re-signed cookie still works; an unknown secret's does not.
    const onlyNew = new TestClient(alice.address, undefined, appWith({ SESSION_SECRET: "the-new-secret" }));
    onlyNew.cookie = after.cookie;
    expect((await onlyNew.fetch(`/api/conversations/${id}`)).status).toBe(200);
    onlyNew.cookie = alice.cookie;
    expect((await onlyNew.fetch(`/api/conversations/${id}`)).status).toBe(404);
  });

  it("an old `uid` cookie is accepted once, replaced by a v2 cookie, and keeps its data", async () => {
    const old = new TestClient();
    const id = await startConversation(old, "from an older deployment");
    const userId = old.userId!;
    const migrating = new TestClient();
    migrating.cookie = `uid=${await signLegacy(SECRET, userId)}`;
    const response = await migrating.fetch(`/api/conversations/${id}`);
    expect(response.status).toBe(200);
    expect(response.headers.getSetCookie().some((line) => /^uid=;.*Max-Age=0/.test(line))).toBe(true);
    expect(migrating.jar.has("uid")).toBe(false);
    expect(migrating.userId).toBe(userId);
    expect((await migrating.fetch(`/api/conversations/${id}`)).status).toBe(200);
    // The same old cookie a second time (copied, replayed) is nobody.
    const replay = new TestClient();
    replay.cookie = `uid=${await signLegacy(SECRET, userId)}`;
    expect((await replay.fetch(`/api/conversations/${id}`)).status).toBe(404);
  });
});
