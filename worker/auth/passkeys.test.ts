import { runInDurableObject } from "cloudflare:test";
import { env } from "cloudflare:workers";
import { afterEach, beforeEach, describe, expect, it, vi } from "vitest";
import { countRows } from "../store/person-data/transfer";
import { SoftAuthenticator } from "../test/authenticator";
import { appWith, newConversationId, readUiStream, TestClient, userMessage } from "../test/client";
import { createPasskey, signInWithPasskey } from "../test/passkeys";
import { JPEG_BASE64 } from "../test/recorded-images";
import { legacyChunks, recordedRun, sseStream } from "../test/recorded-ai";
import { TINY_PNG } from "../test/vision-images";
import { accountStub, credentialShard } from "./account-store";
import { hmacKey, signSession } from "./session-cookie";
import { listUserObjects, moveGuestInto } from "../store/person-data/user-data";

const SCHNELL = "@cf/black-forest-labs/flux-1-schnell";

beforeEach(() => {
  // Text and vision answer "fine" (5 + 1 tokens); image models answer a JPEG.
  const fake = recordedRun((call) => (call.model === SCHNELL ? { image: JPEG_BASE64 } : sseStream(legacyChunks(["fine"]))));
  vi.spyOn(env.AI, "run").mockImplementation(fake.run as never);
});
afterEach(() => vi.restoreAllMocks());

async function session(client: TestClient) {
  return (await (await client.fetch("/api/session")).json()) as any;
}
async function chat(client: TestClient, text: string) {
  const id = newConversationId();
  const response = await client.chat({ id, messages: [userMessage(text)] });
  expect(response.status).toBe(200);
  await readUiStream(response);
  return id;
}
async function conversationTitles(client: TestClient): Promise<string[]> {
  return ((await (await client.fetch("/api/conversations")).json()) as any).conversations.map((c: any) => c.title).sort();
}
/** A guest with one of everything: a conversation, an image, a vision upload and a thread about it. */
async function guestWithData(client: TestClient, label: string) {
  await chat(client, `${label} chat`);
  const image = await client.json("/api/images", "POST", { prompt: `${label} picture`, model: SCHNELL });
  expect(image.status).toBe(200);
  const upload = await client.fetch("/api/vision/images", {
    method: "POST",
    headers: { "content-type": "application/octet-stream" },
    body: TINY_PNG,
  });
  expect(upload.status).toBe(201);
  const imageId = ((await upload.json()) as any).id;
  await readUiStream(
    await client.json("/api/vision", "POST", {
      trigger: "submit-message",
      id: newConversationId(),
      imageId,
      messages: [userMessage(`${label} question`)],
    }),
  );
}
async function rowsOf(userId: string): Promise<number> {
  return runInDurableObject(env.USER_STORE.get(env.USER_STORE.idFromName(userId)), (_store, state) => countRows(state.storage.sql));
}
async function accountRowsOf(userId: string, credentialIds: string[]) {
  const own = await runInDurableObject(accountStub(env, userId), (_o, state) => {
    const n = (query: string) => state.storage.sql.exec<{ n: number }>(query).one().n;
    return {
      accounts: n(`SELECT COUNT(*) AS n FROM account`),
      credentials: n(`SELECT COUNT(*) AS n FROM passkeys`),
      invites: n(`SELECT COUNT(*) AS n FROM my_invites`),
    };
  });
  const indexed = await Promise.all(credentialIds.map((id) => credentialShard(env, id).credentialOwner(id)));
  return { ...own, indexed: indexed.filter(Boolean).length };
}

// The secret vitest.worker.config.ts gives the Worker.
const SECRET = "worker-tests-only-secret";
const OWNER_TOKEN = "owner-setup-token-for-tests";

/** The same session cookie, but its last passkey check `secondsAgo` in the past (as after a long break). */
async function ageCheck(client: TestClient, secondsAgo: number) {
  const [, , userId, expires, generation] = client.jar.get("__Host-session")!.split(".");
  const value = await signSession(await hmacKey(SECRET), {
    kind: "account",
    userId,
    expiresAt: Number(expires),
    generation: Number(generation),
    verifiedAt: Math.floor(Date.now() / 1000) - secondsAgo,
  });
  client.jar.set("__Host-session", value);
}
async function errorCode(response: Response): Promise<string> {
  return ((await response.json()) as any).error.code;
}

describe("passkey accounts", () => {
  it("a guest becomes an account with a new id, and everything it had moves in", async () => {
    const client = new TestClient();
    await guestWithData(client, "before");
    const guestId = client.userId!;
    const before = {
      titles: await conversationTitles(client),
      objects: await listUserObjects(env.MEDIA, guestId),
      rows: await rowsOf(guestId),
    };
    expect(before.objects).toHaveLength(2);

    const made = await createPasskey(client, new SoftAuthenticator(), { name: "Ada" });
    expect(made.status, await made.clone().text()).toBe(200);
    expect(((await made.json()) as any).person).toMatchObject({ kind: "account", name: "Ada" });
    const accountId = client.userId!;
    expect(accountId).not.toBe(guestId);
    expect(client.jar.get("__Host-session")).toMatch(/^v2\.a\./);
    expect(await session(client)).toMatchObject({ person: { kind: "account", name: "Ada" } });
    expect(await conversationTitles(client)).toEqual(before.titles);
    expect(await listUserObjects(env.MEDIA, accountId)).toHaveLength(2);
    expect(await rowsOf(accountId)).toBeGreaterThanOrEqual(before.rows);
    expect(await listUserObjects(env.MEDIA, guestId)).toEqual([]);
    expect(await rowsOf(guestId)).toBe(0);
  });

  it("a stale guest cookie after sign-up sees nothing of the account, and cannot take it into another", async () => {
    const client = new TestClient();
    await chat(client, "private before sign-up");
    const staleGuest = new TestClient(client.address);
    staleGuest.cookie = client.cookie; // copied before sign-up (another tab, a backup, a thief)
    expect((await createPasskey(client, new SoftAuthenticator(), { name: "Ada" })).status).toBe(200);
    await chat(client, "private after sign-up");

    // The old cookie names the emptied guest: none of the account's conversations.
    expect(await conversationTitles(staleGuest)).toEqual([]);
    expect((await session(staleGuest)).person).toMatchObject({ kind: "guest" });
    // Someone signing in while carrying it brings only that (empty) guest along; the account keeps its data.
    const other = new TestClient();
    const otherKey = new SoftAuthenticator();
    expect((await createPasskey(other, otherKey, { name: "Mallory" })).status).toBe(200);
    const thief = new TestClient(staleGuest.address);
    thief.cookie = staleGuest.cookie;
    expect((await signInWithPasskey(thief, otherKey)).status).toBe(200);
    expect(await conversationTitles(thief)).toEqual([]);
    expect(await conversationTitles(client)).toEqual(["private after sign-up", "private before sign-up"]);
  });

  it("a merge never takes an account as its source", async () => {
    const client = new TestClient();
    await chat(client, "mine");
    expect((await createPasskey(client, new SoftAuthenticator(), { name: "Ada" })).status).toBe(200);
    const accountId = client.userId!;
    const other = new TestClient();
    expect((await createPasskey(other, new SoftAuthenticator(), { name: "Bo" })).status).toBe(200);
    await expect(moveGuestInto(env, accountId, other.userId!)).rejects.toThrow(/is an account/);
    expect(await conversationTitles(client)).toEqual(["mine"]);
  });

  it("signing in on a second browser moves that browser's guest data into the account", async () => {
    const phone = new TestClient();
    const phoneKey = new SoftAuthenticator();
    await chat(phone, "from the phone");
    expect((await createPasskey(phone, phoneKey, { name: "Grace" })).status).toBe(200);
    const accountId = phone.userId!;

    const laptop = new TestClient();
    await guestWithData(laptop, "laptop");
    const guestId = laptop.userId!;
    const guestObjects = await listUserObjects(env.MEDIA, guestId);
    expect(guestObjects).toHaveLength(2);
    const usedAsGuest = ((await (await laptop.fetch("/api/status")).json()) as any).budget.used;
    const usedByAccount = ((await (await phone.fetch("/api/status")).json()) as any).budget.used;
    expect(usedAsGuest).toBeGreaterThan(0);

    const laptopKey = new SoftAuthenticator();
    phoneKey.copyTo(laptopKey);
    const signedIn = await signInWithPasskey(laptop, laptopKey);
    expect(signedIn.status, await signedIn.clone().text()).toBe(200);
    expect(laptop.userId).toBe(accountId);

    // Everything is in the account, seen from both browsers; nothing is left under the guest.
    expect(await conversationTitles(laptop)).toEqual(["from the phone", "laptop chat"]);
    expect(await conversationTitles(phone)).toEqual(["from the phone", "laptop chat"]);
    const images = ((await (await laptop.fetch("/api/images")).json()) as any).images;
    expect(images.map((i: any) => i.prompt)).toEqual(["laptop picture"]);
    expect((await laptop.fetch(`/api/images/${images[0].id}`)).status).toBe(200);
    const threads = ((await (await laptop.fetch("/api/vision/threads")).json()) as any).threads;
    expect(threads.map((t: any) => t.title)).toEqual(["laptop question"]);
    expect((await laptop.fetch(`/api/vision/images/${threads[0].imageId}`)).status).toBe(200);
    expect(((await (await laptop.fetch("/api/status")).json()) as any).budget.used).toBe(usedByAccount + usedAsGuest);
    expect(await listUserObjects(env.MEDIA, accountId)).toHaveLength(2);
    expect(await listUserObjects(env.MEDIA, guestId)).toEqual([]);
    expect(await rowsOf(guestId)).toBe(0);
  });

  it("nobody becomes owner by signing up first: only the owner setup token makes one, once", async () => {
    const withToken = appWith({ OWNER_SETUP_TOKEN: OWNER_TOKEN });
    const first = new TestClient(undefined, undefined, withToken);
    const plain = await createPasskey(first, new SoftAuthenticator(), { name: "Early bird" });
    expect(((await plain.json()) as any).person).toMatchObject({ owner: false });

    const wrong = await createPasskey(new TestClient(undefined, undefined, withToken), new SoftAuthenticator(), {
      name: "Guesser",
      ownerToken: "not-the-token",
    });
    expect(wrong.status).toBe(403);
    expect(await errorCode(wrong)).toBe("owner_setup_refused");

    const owner = new TestClient(undefined, undefined, withToken);
    const made = await createPasskey(owner, new SoftAuthenticator(), { name: "Owner", ownerToken: OWNER_TOKEN });
    expect(made.status, await made.clone().text()).toBe(200);
    expect(((await made.json()) as any).person).toMatchObject({ owner: true });
    expect((await owner.fetch("/api/usage")).status).toBe(200);

    const again = await createPasskey(new TestClient(undefined, undefined, withToken), new SoftAuthenticator(), {
      name: "Second",
      ownerToken: OWNER_TOKEN,
    });
    expect(again.status).toBe(403);
    expect(await errorCode(again)).toBe("owner_setup_refused");
    // Without OWNER_SETUP_TOKEN set, no token works.
    const unset = await createPasskey(new TestClient(), new SoftAuthenticator(), { name: "X", ownerToken: OWNER_TOKEN });
    expect(await errorCode(unset)).toBe("owner_setup_refused");
  });

  it("two sign-ups racing with the one token make one owner", async () => {
    const token = `race-${crypto.randomUUID()}`;
    const app = appWith({ OWNER_SETUP_TOKEN: token });
    const results = await Promise.all(
      [0, 1, 2].map(async () => {
        const response = await createPasskey(new TestClient(undefined, undefined, app), new SoftAuthenticator(), {
          name: "Racer",
          ownerToken: token,
        });
        return response.status === 200 ? ((await response.json()) as any).person.owner : await errorCode(response);
      }),
    );
    expect(results.filter((r) => r === true)).toHaveLength(1);
    expect(results.filter((r) => r === "owner_setup_refused")).toHaveLength(2);
  });

  it("an existing account becomes owner with the token, after a recent passkey check", async () => {
    const token = `late-${crypto.randomUUID()}`;
    const app = appWith({ OWNER_SETUP_TOKEN: token });
    const client = new TestClient(undefined, undefined, app);
    const key = new SoftAuthenticator();
    expect((await createPasskey(client, key, { name: "Later owner" })).status).toBe(200);
    await ageCheck(client, 6 * 60);
    const stale = await client.json("/api/account/owner", "POST", { token });
    expect(stale.status).toBe(403);
    expect(await errorCode(stale)).toBe("passkey_check_required");
    expect((await signInWithPasskey(client, key)).status).toBe(200); // "Confirm with your passkey"
    const made = await client.json("/api/account/owner", "POST", { token });
    expect(made.status, await made.clone().text()).toBe(200);
    expect((await session(client)).person).toMatchObject({ owner: true });
  });

  it("adds and removes passkeys, and removes the last one only when told it is the last", async () => {
    const client = new TestClient();
    const key = new SoftAuthenticator();
    expect((await createPasskey(client, key)).status).toBe(200);
    expect((await createPasskey(client, key)).status).toBe(200); // a second passkey for the same account
    const list = async () => ((await (await client.fetch("/api/auth/passkeys")).json()) as any).passkeys.map((p: any) => p.id);
    const [first, second] = await list();
    expect(await list()).toHaveLength(2);
    expect((await client.fetch(`/api/auth/passkeys/${first}`, { method: "DELETE" })).status).toBe(204);
    expect((await session(client)).person).toMatchObject({ kind: "account" }); // this browser stays signed in
    const refused = await client.fetch(`/api/auth/passkeys/${second}`, { method: "DELETE" });
    expect(refused.status).toBe(409);
    expect(((await refused.json()) as any).error.code).toBe("last_passkey");
    // The removed passkey no longer signs in.
    expect((await signInWithPasskey(new TestClient(), key, first)).status).toBe(400);
    expect((await client.fetch(`/api/auth/passkeys/${second}?confirm=last`, { method: "DELETE" })).status).toBe(204);
    expect(await list()).toEqual([]);
  });

  it("a challenge answers one ceremony, for the session that asked", async () => {
    const client = new TestClient();
    const key = new SoftAuthenticator();
    await createPasskey(client, key);
    const options = await (await client.json("/api/auth/authentication/options", "POST", {})).json();
    const answer = await key.get(options);
    expect((await new TestClient().json("/api/auth/authentication/verify", "POST", { response: answer })).status).toBe(400); // another browser
    const again = await (await client.json("/api/auth/authentication/options", "POST", {})).json();
    const good = await key.get(again);
    expect((await client.json("/api/auth/authentication/verify", "POST", { response: good })).status).toBe(200);
    const replay = await client.json("/api/auth/authentication/verify", "POST", { response: good });
    expect(replay.status).toBe(400);
    expect(((await replay.json()) as any).error.code).toBe("passkey_failed");
  });

  it("refuses a forged assertion (signed by another key)", async () => {
    const client = new TestClient();
    const key = new SoftAuthenticator();
    await createPasskey(client, key);
    const impostor = new SoftAuthenticator();
    await impostor.create({ rp: { id: "app.test" }, user: { id: key.credentials[0].userHandle }, challenge: "x" });
    impostor.credentials[0].id = key.credentials[0].id; // claims the real credential id
    const response = await signInWithPasskey(new TestClient(), impostor);
    expect(response.status).toBe(400);
    expect(((await response.json()) as any).error.code).toBe("passkey_failed");
  });

  it("signs out back to a visitor, who becomes a fresh guest when writing", async () => {
    const client = new TestClient();
    await createPasskey(client, new SoftAuthenticator());
    const accountId = client.userId;
    expect((await client.json("/api/auth/sign-out", "POST", {})).status).toBe(204);
    expect(client.userId).toBeUndefined();
    expect((await session(client)).person).toBeNull();
    await chat(client, "after sign-out");
    expect(client.userId).not.toBe(accountId);
    expect((await session(client)).person).toMatchObject({ kind: "guest" });
  });

  it("a guest cannot sign out (its data would be lost with the cookie)", async () => {
    const guest = new TestClient();
    await chat(guest, "only in this browser");
    const refused = await guest.json("/api/auth/sign-out", "POST", {});
    expect(refused.status).toBe(403);
    expect(((await refused.json()) as any).error.code).toBe("account_required");
    expect(await conversationTitles(guest)).toEqual(["only in this browser"]);
  });

  it("deleting the account leaves no rows, no R2 objects and no passkeys", async () => {
    const client = new TestClient();
    await guestWithData(client, "doomed");
    const key = new SoftAuthenticator();
    await createPasskey(client, key);
    const invites = new TestClient(undefined, undefined, appWith({ SIGNUP: "invite" }));
    invites.cookie = client.cookie;
    expect((await invites.json("/api/invites", "POST", {})).status).toBe(201);
    const userId = client.userId!;
    expect(await rowsOf(userId)).toBeGreaterThan(0);
    const credentialIds = key.credentials.map((cred) => cred.id);
    expect(await accountRowsOf(userId, credentialIds)).toEqual({ accounts: 1, credentials: 1, invites: 1, indexed: 1 });

    expect((await client.fetch("/api/account", { method: "DELETE" })).status).toBe(204);
    expect(await rowsOf(userId)).toBe(0);
    expect(await listUserObjects(env.MEDIA, userId)).toEqual([]);
    expect(await accountRowsOf(userId, credentialIds)).toEqual({ accounts: 0, credentials: 0, invites: 0, indexed: 0 });
    expect(client.userId).toBeUndefined();
    expect((await session(client)).person).toBeNull();
  });

  it("a guest's API key and share link follow it into the account, and stop working when the account is deleted", async () => {
    const phone = new TestClient();
    const phoneKey = new SoftAuthenticator();
    expect((await createPasskey(phone, phoneKey)).status).toBe(200);

    const laptop = new TestClient();
    const conversation = await chat(laptop, "shared from the laptop");
    const created = await laptop.json("/api/keys", "POST", { name: "laptop script" });
    expect(created.status).toBe(201);
    const { key } = (await created.json()) as { key: string };
    const shared = await laptop.fetch(`/api/conversations/${conversation}/share`, { method: "POST" });
    expect(shared.status).toBe(201);
    const { token } = ((await shared.json()) as { share: { token: string } }).share;

    const laptopKey = new SoftAuthenticator();
    phoneKey.copyTo(laptopKey);
    expect((await signInWithPasskey(laptop, laptopKey)).status).toBe(200);
    // The key and the link are the account's now: listed there, and still working.
    expect(((await (await phone.fetch("/api/keys")).json()) as any).keys.map((k: any) => k.name)).toEqual(["laptop script"]);
    expect(((await (await phone.fetch("/api/shares")).json()) as any).shares.map((s: any) => s.token)).toEqual([token]);
    const models = () => new TestClient(null).fetch("/v1/models", { headers: { authorization: `Bearer ${key}` } });
    expect((await models()).status).toBe(200);
    expect((await new TestClient(null).fetch(`/api/shared/${token}`)).status).toBe(200);

    expect((await phone.fetch("/api/account", { method: "DELETE" })).status).toBe(204);
    expect((await models()).status).toBe(401);
    expect((await new TestClient(null).fetch(`/api/shared/${token}`)).status).toBe(404);
  });

  it("runs the hooks other features register for account deletion", async () => {
    const { onAccountDeleted } = await import("./account-hooks");
    const seen: string[] = [];
    const hook = async (_env: Env, userId: string) => void seen.push(userId);
    onAccountDeleted.push(hook);
    try {
      const client = new TestClient();
      await createPasskey(client, new SoftAuthenticator());
      const userId = client.userId!;
      await client.fetch("/api/account", { method: "DELETE" });
      expect(seen).toEqual([userId]);
    } finally {
      onAccountDeleted.splice(onAccountDeleted.indexOf(hook), 1);
    }
  });
});

describe("SIGNUP modes", () => {
  it("closed: no account is made without the owner setup token, not even the first", async () => {
    const token = `closed-${crypto.randomUUID()}`;
    const closed = appWith({ SIGNUP: "closed", OWNER_SETUP_TOKEN: token });
    const refused = await createPasskey(new TestClient(undefined, undefined, closed), new SoftAuthenticator());
    expect(refused.status).toBe(403);
    expect(await errorCode(refused)).toBe("signup_closed");
    const owner = await createPasskey(new TestClient(undefined, undefined, closed), new SoftAuthenticator(), {
      name: "Owner",
      ownerToken: token,
    });
    expect(((await owner.json()) as any).person).toMatchObject({ owner: true });
    const after = await createPasskey(new TestClient(undefined, undefined, closed), new SoftAuthenticator());
    expect(await errorCode(after)).toBe("signup_closed");
  });

  it("invite: a new account needs an unused invite link, and each link works once", async () => {
    const token = `invite-${crypto.randomUUID()}`;
    const invite = appWith({ SIGNUP: "invite", OWNER_SETUP_TOKEN: token });
    // No accounts yet is no way around it either.
    const early = await createPasskey(new TestClient(undefined, undefined, invite), new SoftAuthenticator());
    expect(await errorCode(early)).toBe("invite_required");
    const owner = new TestClient(undefined, undefined, invite);
    expect((await createPasskey(owner, new SoftAuthenticator(), { name: "Owner", ownerToken: token })).status).toBe(200);
    const without = await createPasskey(new TestClient(undefined, undefined, invite), new SoftAuthenticator());
    expect(((await without.json()) as any).error.code).toBe("invite_required");

    const made = (await (await owner.json("/api/invites", "POST", {})).json()) as any;
    expect(made.invite.url).toBe(`http://app.test/account?invite=${made.invite.code}`);
    expect(((await (await owner.fetch("/api/invites")).json()) as any).invites).toHaveLength(1);
    const friend = new TestClient(undefined, undefined, invite);
    const joined = await createPasskey(friend, new SoftAuthenticator(), { name: "Friend", invite: made.invite.code });
    expect(joined.status).toBe(200);
    const friendId = friend.userId!;
    expect(
      await runInDurableObject(
        accountStub(env, friendId),
        (_o, state) => state.storage.sql.exec(`SELECT approved FROM account`).one().approved,
      ),
    ).toBe(1);
    expect(((await (await owner.fetch("/api/invites")).json()) as any).invites).toEqual([]);
    const reused = await createPasskey(new TestClient(undefined, undefined, invite), new SoftAuthenticator(), {
      name: "Sneaky",
      invite: made.invite.code,
    });
    expect(reused.status).toBe(403);
    expect(((await reused.json()) as any).error.code).toBe("invite_required");
    // Guests cannot make invites.
    const guest = new TestClient(undefined, undefined, invite);
    await guest.startGuest();
    expect((await guest.json("/api/invites", "POST", {})).status).toBe(403);
  });

  it("open (the default): anyone may make an account, and invite links are off", async () => {
    const client = new TestClient();
    expect((await createPasskey(client, new SoftAuthenticator())).status).toBe(200);
    expect((await session(client)).signup).toBe("open");
    // Made by open sign-up: not approved, so it spends the guest budget (worker/spend/).
    const userId = client.userId!;
    expect(
      await runInDurableObject(
        accountStub(env, userId),
        (_o, state) => state.storage.sql.exec(`SELECT approved FROM account`).one().approved,
      ),
    ).toBe(0);
    expect((await client.json("/api/invites", "POST", {})).status).toBe(404);
  });
});

describe("sessions", () => {
  async function twoBrowsers() {
    const phone = new TestClient();
    const phoneKey = new SoftAuthenticator();
    expect((await createPasskey(phone, phoneKey, { name: "Ada" })).status).toBe(200);
    await chat(phone, "on the phone");
    const laptop = new TestClient();
    const laptopKey = new SoftAuthenticator();
    phoneKey.copyTo(laptopKey);
    expect((await signInWithPasskey(laptop, laptopKey)).status).toBe(200);
    expect(await conversationTitles(laptop)).toEqual(["on the phone"]);
    return { phone, phoneKey, laptop, laptopKey };
  }

  it("sign out everywhere ends a second browser's session (and this one's)", async () => {
    const { phone, laptop } = await twoBrowsers();
    const stolen = laptop.cookie; // a copy of the laptop's cookie
    expect((await phone.json("/api/auth/sign-out-everywhere", "POST", {})).status).toBe(204);
    expect((await session(phone)).person).toBeNull();
    expect((await session(laptop)).person).toBeNull();
    expect(laptop.userId).toBeUndefined(); // the refused cookie was cleared
    const thief = new TestClient();
    thief.cookie = stolen;
    expect(await conversationTitles(thief)).toEqual([]);
    expect((await session(thief)).person).toBeNull();
  });

  it("signing in again after sign out everywhere works", async () => {
    const { phone, phoneKey } = await twoBrowsers();
    expect((await phone.json("/api/auth/sign-out-everywhere", "POST", {})).status).toBe(204);
    expect((await signInWithPasskey(phone, phoneKey)).status).toBe(200);
    expect(await conversationTitles(phone)).toEqual(["on the phone"]);
  });

  it("removing a passkey signs out every other browser; this one stays", async () => {
    const { phone, phoneKey, laptop } = await twoBrowsers();
    const spare = new SoftAuthenticator();
    expect((await createPasskey(phone, spare)).status).toBe(200);
    const lost = phoneKey.credentials[0].id;
    expect((await phone.fetch(`/api/auth/passkeys/${lost}`, { method: "DELETE" })).status).toBe(204);
    expect((await session(phone)).person).toMatchObject({ kind: "account", name: "Ada" });
    expect((await session(laptop)).person).toBeNull();
  });

  it("passkey ceremonies and new guests pass the address's rate limit before reaching a shared object", async () => {
    const limit = vi.spyOn(env.IP_RATE_LIMITER, "limit").mockResolvedValue({ success: false });
    const refused = await new TestClient().json("/api/auth/authentication/options", "POST", {});
    expect(refused.status).toBe(429);
    expect(await errorCode(refused)).toBe("rate_limited");
    const guest = await new TestClient().json("/api/session/guest", "POST", {});
    expect(guest.status).toBe(429);
    expect(limit.mock.calls.map(([options]) => options.key)).toEqual([
      expect.stringMatching(/^passkey:v4:/),
      expect.stringMatching(/^new-identity:v4:/),
    ]);
  });

  it("a guest cannot sign out everywhere", async () => {
    const guest = new TestClient();
    await chat(guest, "mine");
    const refused = await guest.json("/api/auth/sign-out-everywhere", "POST", {});
    expect(refused.status).toBe(403);
    expect(await errorCode(refused)).toBe("account_required");
  });

  it("adding a passkey needs a passkey check in the last five minutes", async () => {
    const client = new TestClient();
    const key = new SoftAuthenticator();
    expect((await createPasskey(client, key)).status).toBe(200);
    await ageCheck(client, 6 * 60);
    const stale = await createPasskey(client, new SoftAuthenticator());
    expect(stale.status).toBe(403);
    expect(await errorCode(stale)).toBe("passkey_check_required");
    await ageCheck(client, 4 * 60);
    expect((await createPasskey(client, new SoftAuthenticator())).status).toBe(200);
  });

  it("deleting the account needs a passkey check in the last five minutes", async () => {
    const client = new TestClient();
    const key = new SoftAuthenticator();
    expect((await createPasskey(client, key)).status).toBe(200);
    await chat(client, "keep me");
    await ageCheck(client, 6 * 60);
    const stale = await client.fetch("/api/account", { method: "DELETE" });
    expect(stale.status).toBe(403);
    expect(await errorCode(stale)).toBe("passkey_check_required");
    expect(await conversationTitles(client)).toEqual(["keep me"]);
    expect((await signInWithPasskey(client, key)).status).toBe(200);
    expect((await client.fetch("/api/account", { method: "DELETE" })).status).toBe(204);
  });
});
