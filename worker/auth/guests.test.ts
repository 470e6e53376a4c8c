import { runInDurableObject } from "cloudflare:test";
import { env } from "cloudflare:workers";
import { afterEach, beforeEach, describe, expect, it, vi } from "vitest";
import { appWith, newConversationId, readUiStream, TestClient, userMessage } from "../test/client";
import { legacyChunks, recordedRun, sseStream } from "../test/recorded-ai";
import { personWithKey, v1 } from "../test/openai-client";
import { SoftAuthenticator } from "../test/authenticator";
import { createPasskey } from "../test/passkeys";
import { addressShard } from "./account-store";
import { addressBucket, expandIpv6 } from "./address";

let fake: ReturnType<typeof recordedRun>;
beforeEach(() => {
  fake = recordedRun(() => sseStream(legacyChunks(["fine"])));
  vi.spyOn(env.AI, "run").mockImplementation(fake.run as never);
});
afterEach(() => vi.restoreAllMocks());

/** One cookieless request, as a script that drops its cookie sends them. */
function cookielessChat(address: string | null) {
  return new TestClient(address).chat({ id: newConversationId(), messages: [userMessage("hi")] });
}
async function mintsCounted(bucket: string): Promise<number> {
  return runInDurableObject(
    addressShard(env, bucket),
    (_o, state) => state.storage.sql.exec<{ n: number }>(`SELECT COUNT(*) AS n FROM identity_mints WHERE bucket = ?`, bucket).one().n,
  );
}
function uniqueIpv4() {
  const [a, b, c] = crypto.getRandomValues(new Uint8Array(3));
  return `198.${a}.${b}.${c}`;
}

describe("new identities per client address", () => {
  it("60 cookieless chat requests from one address make at most 10 identities and 10 model calls", async () => {
    const address = uniqueIpv4();
    const identities = new Set<string>();
    const statuses: Record<number, number> = {};
    for (let i = 0; i < 60; i++) {
      const response = await cookielessChat(address);
      statuses[response.status] = (statuses[response.status] ?? 0) + 1;
      const cookie = response.headers.getSetCookie().find((line) => line.startsWith("__Host-session="));
      if (cookie) identities.add(cookie.split(".")[2]);
      if (response.status === 200) await readUiStream(response);
      else await response.body?.cancel();
    }
    expect(identities.size).toBe(10);
    expect(statuses).toEqual({ 200: 10, 429: 50 });
    expect(fake.calls).toHaveLength(10);
    expect(await mintsCounted(addressBucket(address))).toBe(10);
  });

  it("past the limit: a 429 with Retry-After and a sentence saying to wait or sign in; no model call", async () => {
    const address = uniqueIpv4();
    for (let i = 0; i < 10; i++) await new TestClient(address).startGuest();
    const before = fake.calls.length;
    const refused = await cookielessChat(address);
    expect(refused.status).toBe(429);
    const retryAfter = Number(refused.headers.get("retry-after"));
    expect(retryAfter).toBeGreaterThan(3500);
    expect(retryAfter).toBeLessThanOrEqual(3600);
    const { error } = (await refused.json()) as any;
    expect(error.code).toBe("guest_limit");
    expect(error.message).toMatch(
      /^Too many new visitors from your network in the last hour\. Try again in (59|60) minutes, or sign in with a passkey\.$/,
    );
    expect(fake.calls.length).toBe(before);
    // Another address is not affected, and people who already have a cookie carry on.
    expect((await cookielessChat(uniqueIpv4())).status).toBe(200);
  });

  it("counts IPv6 per /64: two addresses in one /64 share a count, another /64 does not", async () => {
    const [a, b] = crypto.getRandomValues(new Uint16Array(2));
    const prefix = `2001:db8:${a.toString(16)}:${b.toString(16)}`;
    for (let i = 0; i < 5; i++) await new TestClient(`${prefix}::${i + 1}`).startGuest();
    for (let i = 0; i < 5; i++) await new TestClient(`${prefix}:ffff:${i}:0:${i + 7}`).startGuest();
    expect(await mintsCounted(addressBucket(`${prefix}::1`))).toBe(10);
    expect((await cookielessChat(`${prefix}:1234::abcd`)).status).toBe(429);
    const next64 = `2001:db8:${a.toString(16)}:${((b + 1) & 0xffff).toString(16)}::1`;
    expect((await cookielessChat(next64)).status).toBe(200);
  });

  it("reads mint nothing: GETs without a cookie get no identity and count nothing", async () => {
    const address = uniqueIpv4();
    for (let i = 0; i < 20; i++) {
      const response = await new TestClient(address).fetch("/api/conversations");
      expect(response.status).toBe(200);
      expect(((await response.json()) as any).conversations).toEqual([]);
      expect(response.headers.getSetCookie()).toEqual([]);
    }
    expect(await mintsCounted(addressBucket(address))).toBe(0);
    expect((await (await new TestClient(address).fetch("/api/session")).json()) as any).toMatchObject({
      person: null,
      guests: true,
      signup: "open",
    });
  });

  it("GUESTS_PER_ADDRESS_PER_HOUR sets the limit", async () => {
    const address = uniqueIpv4();
    const three = appWith({ GUESTS_PER_ADDRESS_PER_HOUR: "3" });
    const outcomes = [];
    for (let i = 0; i < 5; i++)
      outcomes.push((await new TestClient(address, undefined, three).json("/api/session/guest", "POST", {})).status);
    expect(outcomes).toEqual([200, 200, 200, 429, 429]);
  });

  it("buckets: IPv4 whole, IPv6 by /64 in any spelling, no header = one local client", () => {
    expect(addressBucket("203.0.113.9")).toBe("v4:203.0.113.9");
    expect(addressBucket("2001:DB8::1")).toBe(addressBucket("2001:0db8:0000:0000:ffff:1:2:3"));
    expect(addressBucket("2001:db8::1")).toBe("v6:2001:0db8:0000:0000::/64");
    expect(addressBucket("2001:db8:0:1::1")).not.toBe(addressBucket("2001:db8::1"));
    expect(addressBucket(undefined)).toBe("local");
    expect(expandIpv6("::ffff:192.0.2.1")).toEqual(["0000", "0000", "0000", "0000", "0000", "ffff", "c000", "0201"]);
    expect(expandIpv6("1::2::3")).toBeNull();
  });
});

describe("GUESTS=off", () => {
  const off = appWith({ GUESTS: "off" });

  it("refuses API requests without an account with 401 and says to sign in", async () => {
    const client = new TestClient(uniqueIpv4(), undefined, off);
    for (const [path, init] of [
      ["/api/conversations", {}],
      [
        "/api/chat",
        {
          method: "POST",
          headers: { "content-type": "application/json" },
          body: JSON.stringify({ id: newConversationId(), messages: [userMessage("hi")] }),
        },
      ],
    ] as const) {
      const response = await client.fetch(path, init);
      expect(response.status).toBe(401);
      expect(((await response.json()) as any).error).toMatchObject({
        code: "sign_in_required",
        message: "Sign in to use this app: open the page and choose Sign in.",
      });
    }
    expect(fake.calls).toHaveLength(0);
    expect((await (await client.fetch("/api/session")).json()) as any).toMatchObject({ person: null, guests: false });
    expect((await client.json("/api/session/guest", "POST", {})).status).toBe(401);
  });

  it("a guest's API key is refused once guests are off; an account's key still works", async () => {
    const guest = await personWithKey("guest script");
    const account = new TestClient();
    expect((await createPasskey(account, new SoftAuthenticator(), { name: "Ada" })).status).toBe(200);
    const made = await account.json("/api/keys", "POST", { name: "account script" });
    expect(made.status).toBe(201);
    const accountKey = ((await made.json()) as any).key as string;
    const ask = { model: "@cf/meta/llama-3.2-1b-instruct", messages: [{ role: "user", content: "hi" }] };

    const refused = await v1("/chat/completions", guest.key, { body: ask }, { GUESTS: "off" });
    expect(refused.response.status).toBe(403);
    expect(refused.json.error.code).toBe("api_key_refused");
    expect(fake.calls).toHaveLength(0);
    expect((await v1("/chat/completions", accountKey, { body: ask }, { GUESTS: "off" })).response.status).toBe(200);
    expect((await v1("/chat/completions", guest.key, { body: ask })).response.status).toBe(200); // guests on again
  });

  it("a guest cookie from when guests were on no longer gets in", async () => {
    const guest = new TestClient(uniqueIpv4());
    await guest.startGuest();
    const later = new TestClient(guest.address, undefined, off);
    later.cookie = guest.cookie;
    expect((await later.fetch("/api/conversations")).status).toBe(401);
  });
});

describe("Turnstile", () => {
  const VERIFY_URL = "https://turnstile.test/siteverify";
  const withTurnstile = appWith({ TURNSTILE_SITE_KEY: "site-key", TURNSTILE_SECRET_KEY: "secret-key", TURNSTILE_VERIFY_URL: VERIFY_URL });
  /** A stand-in for Cloudflare's siteverify: "good-token" passes, anything else fails. */
  function standIn() {
    const seen: { secret: string; response: string }[] = [];
    const realFetch = globalThis.fetch;
    vi.spyOn(globalThis, "fetch").mockImplementation(async (input, init) => {
      const url = input instanceof Request ? input.url : String(input);
      if (url !== VERIFY_URL) return realFetch(input, init);
      const form = init?.body as FormData;
      const entry = { secret: String(form.get("secret")), response: String(form.get("response")) };
      seen.push(entry);
      return Response.json({ success: entry.secret === "secret-key" && entry.response === "good-token" });
    });
    return seen;
  }

  it("a guest is made only with a token the verify endpoint accepts; the page learns the site key", async () => {
    const seen = standIn();
    const address = uniqueIpv4();
    const client = new TestClient(address, undefined, withTurnstile);
    expect((await (await client.fetch("/api/session")).json()) as any).toMatchObject({ turnstileSiteKey: "site-key" });

    const none = await client.chat({ id: newConversationId(), messages: [userMessage("hi")] });
    expect(none.status).toBe(403);
    expect(((await none.json()) as any).error.code).toBe("challenge_required");
    const bad = await client.json("/api/session/guest", "POST", { turnstileToken: "forged" });
    expect(bad.status).toBe(403);
    expect(((await bad.json()) as any).error.code).toBe("challenge_failed");
    expect(await mintsCounted(addressBucket(address))).toBe(0); // failed checks cost no count

    const good = await client.json("/api/session/guest", "POST", { turnstileToken: "good-token" });
    expect(good.status).toBe(200);
    expect(((await good.json()) as any).person).toEqual({ kind: "guest", owner: false });
    expect(seen.map((s) => s.response)).toEqual(["forged", "good-token"]);
    const answered = await client.chat({ id: newConversationId(), messages: [userMessage("hi")] });
    expect(answered.status).toBe(200);
    await readUiStream(answered);
    expect(fake.calls).toHaveLength(1);
  });
});
