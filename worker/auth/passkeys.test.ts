import { runInDurableObject } from "cloudflare:test";
import { env } from "cloudflare:workers";
import { afterEach, beforeEach, describe, expect, it, vi } from "vitest";
import { countRows } from "../store/transfer";
import { SoftAuthenticator } from "../test/authenticator";
import { appWith, newConversationId, readUiStream, TestClient, userMessage } from "../test/client";
import { createPasskey, signInWithPasskey } from "../test/passkeys";
import { JPEG_BASE64 } from "../test/recorded-images";
import { legacyChunks, recordedRun, sseStream } from "../test/recorded-ai";
import { TINY_PNG } from "../test/vision-images";
import { accountsStub } from "./accounts";
import { listUserObjects } from "./user-data";

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
async function accountRowsOf(userId: string) {
  return runInDurableObject(accountsStub(env), (_o, state) => {
    const sql = state.storage.sql;
    const n = (query: string) => sql.exec<{ n: number }>(query, userId).one().n;
    return {
      accounts: n(`SELECT COUNT(*) AS n FROM accounts WHERE user_id = ?`),
      credentials: n(`SELECT COUNT(*) AS n FROM credentials WHERE user_id = ?`),
      invites: n(`SELECT COUNT(*) AS n FROM invites WHERE created_by = ?`),
    };
  });
}
/** Clears the accounts table so "the first account" and sign-up modes start from nothing. */
async function noAccountsYet() {
  await runInDurableObject(accountsStub(env), (_o, state) => {
    state.storage.sql.exec(`DELETE FROM credentials`);
    state.storage.sql.exec(`DELETE FROM invites`);
    state.storage.sql.exec(`DELETE FROM accounts`);
  });
}

describe("passkey accounts", () => {
  it("a guest becomes an account with the same id and keeps everything", async () => {
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
    expect(client.userId).toBe(guestId);
    expect(client.jar.get("__Host-session")).toMatch(/^v1\.a\./);
    expect(await session(client)).toMatchObject({ person: { kind: "account", name: "Ada" } });
    expect(await conversationTitles(client)).toEqual(before.titles);
    expect(await listUserObjects(env.MEDIA, guestId)).toEqual(before.objects);
    expect(await rowsOf(guestId)).toBe(before.rows);
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

  it("the first account is the owner; later ones are not", async () => {
    await noAccountsYet();
    const first = new TestClient();
    expect(((await (await createPasskey(first, new SoftAuthenticator(), { name: "Owner" })).json()) as any).person).toMatchObject({
      owner: true,
    });
    const second = new TestClient();
    expect(((await (await createPasskey(second, new SoftAuthenticator(), { name: "Other" })).json()) as any).person).toMatchObject({
      owner: false,
    });
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
    await createPasskey(client, new SoftAuthenticator());
    const invites = new TestClient(undefined, undefined, appWith({ SIGNUP: "invite" }));
    invites.cookie = client.cookie;
    expect((await invites.json("/api/invites", "POST", {})).status).toBe(201);
    const userId = client.userId!;
    expect(await rowsOf(userId)).toBeGreaterThan(0);
    expect(await accountRowsOf(userId)).toEqual({ accounts: 1, credentials: 1, invites: 1 });

    expect((await client.fetch("/api/account", { method: "DELETE" })).status).toBe(204);
    expect(await rowsOf(userId)).toBe(0);
    expect(await listUserObjects(env.MEDIA, userId)).toEqual([]);
    expect(await accountRowsOf(userId)).toEqual({ accounts: 0, credentials: 0, invites: 0 });
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
    const { onAccountDeleted } = await import("./user-data");
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
  it("closed: only the very first account can be made", async () => {
    await noAccountsYet();
    const closed = appWith({ SIGNUP: "closed" });
    expect((await createPasskey(new TestClient(undefined, undefined, closed), new SoftAuthenticator())).status).toBe(200);
    const refused = await createPasskey(new TestClient(undefined, undefined, closed), new SoftAuthenticator());
    expect(refused.status).toBe(403);
    expect(((await refused.json()) as any).error.code).toBe("signup_closed");
  });

  it("invite: a new account needs an unused invite link, and each link works once", async () => {
    await noAccountsYet();
    const invite = appWith({ SIGNUP: "invite" });
    const owner = new TestClient(undefined, undefined, invite);
    expect((await createPasskey(owner, new SoftAuthenticator(), { name: "Owner" })).status).toBe(200);
    const without = await createPasskey(new TestClient(undefined, undefined, invite), new SoftAuthenticator());
    expect(((await without.json()) as any).error.code).toBe("invite_required");

    const made = (await (await owner.json("/api/invites", "POST", {})).json()) as any;
    expect(made.invite.url).toBe(`http://app.test/account?invite=${made.invite.code}`);
    expect(((await (await owner.fetch("/api/invites")).json()) as any).invites).toHaveLength(1);
    const friend = new TestClient(undefined, undefined, invite);
    const joined = await createPasskey(friend, new SoftAuthenticator(), { name: "Friend", invite: made.invite.code });
    expect(joined.status).toBe(200);
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
    expect((await client.json("/api/invites", "POST", {})).status).toBe(404);
  });
});
