import { env } from "cloudflare:workers";
import { exportJWK, generateKeyPair, SignJWT, type CryptoKey as JoseKey } from "jose";
import { afterEach, beforeAll, beforeEach, describe, expect, it, vi } from "vitest";
import { appWith, newConversationId, readUiStream, TestClient, userMessage } from "../test/client";
import { personWithKey, v1 } from "../test/openai-client";
import { legacyChunks, recordedRun, sseStream } from "../test/recorded-ai";

const TEAM = "acme.cloudflareaccess.com";
const AUD = "a".repeat(64);
// Only tests point ACCESS_CERTS_URL elsewhere; here the test itself serves the team's certs.
const CERTS_URL = "https://certs.test/cdn-cgi/access/certs";
const ACCESS_VARS = {
  ACCESS_TEAM_DOMAIN: TEAM,
  ACCESS_AUD: AUD,
  ACCESS_CERTS_URL: CERTS_URL,
  ACCESS_OWNER_EMAILS: "boss@acme.test, Other@acme.test",
};
const access = appWith(ACCESS_VARS);

let teamKey: JoseKey;
let strangerKey: JoseKey;
let certsServed = 0;
beforeAll(async () => {
  const team = await generateKeyPair("RS256");
  teamKey = team.privateKey;
  strangerKey = (await generateKeyPair("RS256")).privateKey;
  const jwk = { ...(await exportJWK(team.publicKey)), kid: "team-1", alg: "RS256", use: "sig" };
  const realFetch = globalThis.fetch;
  // A stand-in for https://<team>/cdn-cgi/access/certs, so jose's real fetch-and-verify path runs.
  vi.spyOn(globalThis, "fetch").mockImplementation(async (input, init) => {
    const url = input instanceof Request ? input.url : String(input);
    if (url !== CERTS_URL) return realFetch(input, init);
    certsServed++;
    return Response.json({ keys: [jwk], public_cert: {}, public_certs: [] });
  });
});
beforeEach(() => {
  vi.spyOn(env.AI, "run").mockImplementation(recordedRun(() => sseStream(legacyChunks(["fine"]))).run as never);
});
afterEach(() => {
  vi.mocked(env.AI.run).mockRestore();
});

function token(claims: { sub?: string; email?: string; aud?: string; iss?: string; exp?: number | string } = {}, key = teamKey) {
  const jwt = new SignJWT({ email: claims.email ?? "ada@acme.test", type: "app" })
    .setProtectedHeader({ alg: "RS256", kid: "team-1" })
    .setSubject(claims.sub ?? "user-ada")
    .setAudience(claims.aud ?? AUD)
    .setIssuer(claims.iss ?? `https://${TEAM}`)
    .setIssuedAt()
    .setExpirationTime(claims.exp ?? "10m");
  return jwt.sign(key);
}
function client() {
  return new TestClient(undefined, undefined, access);
}
async function asked(jwt: string | undefined, path = "/api/session") {
  return client().fetch(path, jwt ? { headers: { "cf-access-jwt-assertion": jwt } } : {});
}

describe("Cloudflare Access", () => {
  it("a valid token is the person: subject and email, owners by ACCESS_OWNER_EMAILS", async () => {
    const response = await asked(await token());
    expect(response.status).toBe(200);
    expect(await response.json()).toEqual({
      person: { kind: "access", email: "ada@acme.test", owner: false },
      signup: "off",
      guests: false,
      passkeys: false,
    });
    expect(certsServed).toBeGreaterThan(0);
    const boss = await (await asked(await token({ sub: "user-boss", email: "Boss@Acme.test" }))).json();
    expect((boss as any).person.owner).toBe(true);
  });

  it("data follows the subject: the same subject sees its conversations, another does not", async () => {
    const ada = await token({ sub: "sub-1" });
    const chat = await client().fetch("/api/chat", {
      method: "POST",
      headers: { "cf-access-jwt-assertion": ada, "content-type": "application/json" },
      body: JSON.stringify({ id: newConversationId(), messages: [userMessage("under access")] }),
    });
    expect(chat.status).toBe(200);
    expect(chat.headers.getSetCookie()).toEqual([]); // Access is the session: no cookie of ours
    await readUiStream(chat);
    const list = async (jwt: string) =>
      ((await (await asked(jwt, "/api/conversations")).json()) as any).conversations.map((c: any) => c.title);
    expect(await list(await token({ sub: "sub-1" }))).toEqual(["under access"]);
    expect(await list(await token({ sub: "sub-2" }))).toEqual([]);
  });

  it.each([
    ["missing", async () => undefined],
    ["expired", async () => token({ exp: Math.floor(Date.now() / 1000) - 60 })],
    ["for another application (aud)", async () => token({ aud: "b".repeat(64) })],
    ["from another team (iss)", async () => token({ iss: "https://evil.cloudflareaccess.com" })],
    ["signed by another key", async () => token({}, strangerKey)],
    ["not a JWT", async () => "not.a.jwt"],
  ])("refuses a token that is %s with 401 and a sentence", async (_label, make) => {
    for (const path of ["/api/session", "/api/conversations", "/api/status"]) {
      const response = await asked(await make(), path);
      expect(response.status).toBe(401);
      expect(((await response.json()) as any).error).toMatchObject({
        code: "access_denied",
        message: expect.stringContaining("Cloudflare Access"),
      });
    }
  });

  it("a *.workers.dev or preview address is no way around Access: the Worker checks the token whatever the host", async () => {
    for (const origin of ["https://workers-ai-chat.acme.workers.dev", "https://3f2a1b9c-workers-ai-chat.acme.workers.dev"]) {
      const stranger = new TestClient(undefined, origin, access);
      for (const path of ["/api/conversations", "/api/status", "/v1/models"]) {
        const response = await stranger.fetch(path);
        expect(response.status, `${origin}${path}`).toBe(401);
      }
    }
  });

  it("guests and passkeys are off: a guest cookie does not get past Access, passkey routes are gone", async () => {
    const guest = new TestClient();
    await guest.startGuest();
    const behindAccess = client();
    behindAccess.cookie = guest.cookie;
    expect((await behindAccess.fetch("/api/conversations")).status).toBe(401);
    const passkeys = await client().fetch("/api/auth/authentication/options", {
      method: "POST",
      headers: { "cf-access-jwt-assertion": await token(), "content-type": "application/json" },
      body: "{}",
    });
    expect(passkeys.status).toBe(404);
    expect(((await passkeys.json()) as any).error.code).toBe("passkeys_off");
  });

  it("an API key works only with an Access token too, and only an Access identity's key", async () => {
    const made = await client().fetch("/api/keys", {
      method: "POST",
      headers: { "cf-access-jwt-assertion": await token({ sub: "key-maker" }), "content-type": "application/json" },
      body: JSON.stringify({ name: "script" }),
    });
    expect(made.status, await made.clone().text()).toBe(201);
    const { key } = (await made.json()) as { key: string };
    const ask = { model: "@cf/meta/llama-3.2-1b-instruct", messages: [{ role: "user", content: "hi" }] };
    const call = async (apiKey: string, jwt?: string) =>
      v1("/chat/completions", apiKey, { body: ask, headers: jwt ? { "cf-access-jwt-assertion": jwt } : {} }, ACCESS_VARS as Partial<Env>);

    // The key alone is not a way past Access.
    const bare = await call(key);
    expect(bare.response.status).toBe(401);
    expect(bare.json.error.code).toBe("access_denied");
    expect((await call(key, await token({ sub: "a-service" }))).response.status).toBe(200);
    // A key made before Access was turned on (a guest's) is refused even with a valid Access token.
    const before = await personWithKey("from before Access");
    const old = await call(before.key, await token());
    expect(old.response.status).toBe(403);
    expect(old.json.error.code).toBe("api_key_refused");
  });
});
