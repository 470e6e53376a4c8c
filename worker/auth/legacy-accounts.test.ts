import { runInDurableObject } from "cloudflare:test";
import { env } from "cloudflare:workers";
import { describe, expect, it } from "vitest";
import { SoftAuthenticator } from "../test/authenticator";
import { appWith, TestClient } from "../test/client";
import { createPasskey, signInWithPasskey } from "../test/passkeys";
import { accountStub, credentialShard } from "./account-store";
import { LEGACY_ACCOUNTS_NAME, LEGACY_SCHEMA } from "./legacy-accounts";
import { hmacKey, signSessionV1 } from "./session-cookie";

// The secret vitest.worker.config.ts gives the Worker.
const SECRET = "worker-tests-only-secret";

function legacySingleton() {
  return env.ACCOUNTS.get(env.ACCOUNTS.idFromName(LEGACY_ACCOUNTS_NAME));
}
async function session(client: TestClient) {
  return (await (await client.fetch("/api/session")).json()) as any;
}
async function v1Cookie(kind: "guest" | "account", userId: string): Promise<string> {
  const value = await signSessionV1(await hmacKey(SECRET), { kind, userId, expiresAt: Math.floor(Date.now() / 1000) + 86_400 });
  return `__Host-session=${value}`;
}

/**
 * An account as an older deployment kept it: made here with a real passkey, then moved out of its
 * new homes into the old singleton's tables, as if it had never left them.
 */
async function legacyAccount(invite: string) {
  const key = new SoftAuthenticator();
  const maker = new TestClient();
  expect((await createPasskey(maker, key, { name: "Pioneer" })).status).toBe(200);
  const userId = maker.userId!;
  const credentialId = key.credentials[0].id;
  const passkey = await runInDurableObject(accountStub(env, userId), (_o, state) => {
    const sql = state.storage.sql;
    const row = sql.exec(`SELECT * FROM passkeys`).one();
    for (const table of ["account", "passkeys", "my_invites", "role_meta"]) sql.exec(`DELETE FROM ${table}`);
    return row;
  });
  await runInDurableObject(credentialShard(env, credentialId), (_o, state) => {
    state.storage.sql.exec(`DELETE FROM credential_owners WHERE id = ?`, credentialId);
    state.storage.sql.exec(`DELETE FROM role_meta`);
  });
  await runInDurableObject(legacySingleton(), (_o, state) => {
    const sql = state.storage.sql;
    sql.exec(LEGACY_SCHEMA);
    sql.exec(`INSERT INTO accounts (user_id, name, owner, created_at) VALUES (?, 'Pioneer', 1, 1)`, userId);
    sql.exec(
      `INSERT INTO credentials (id, user_id, public_key, counter, transports, created_at, last_used_at) VALUES (?, ?, ?, ?, ?, ?, NULL)`,
      credentialId,
      userId,
      passkey.public_key,
      passkey.counter,
      passkey.transports,
      passkey.created_at,
    );
    sql.exec(`INSERT INTO invites (code, created_by, created_at) VALUES (?, ?, 2)`, invite, userId);
  });
  return { userId, key };
}

async function forgetLegacy() {
  await runInDurableObject(legacySingleton(), (_o, state) => {
    for (const table of ["credentials", "invites", "accounts"]) state.storage.sql.exec(`DELETE FROM ${table}`);
  });
}

describe("accounts of an older deployment (the one Accounts object)", () => {
  it("a passkey, an account cookie and an invite of the singleton work; then never asked again", async () => {
    const invite = "LegacyInviteCode_abcde"; // 22 base64url characters
    const { userId, key } = await legacyAccount(invite);

    // An account cookie of the old format: the account, owner as before, re-issued as v2 (generation 0).
    const old = new TestClient();
    old.cookie = await v1Cookie("account", userId);
    expect((await session(old)).person).toEqual({ kind: "account", name: "Pioneer", owner: true });
    expect(old.jar.get("__Host-session")).toMatch(/^v2\.a\./);

    // Sign-in finds the passkey through its credentials shard, which imported its slice.
    const browser = new TestClient();
    expect((await signInWithPasskey(browser, key)).status).toBe(200);
    expect(browser.userId).toBe(userId);

    // The invite is listed for its maker, and its shard finds it for a sign-up.
    const invites = new TestClient(undefined, undefined, appWith({ SIGNUP: "invite" }));
    invites.cookie = browser.cookie;
    expect(((await (await invites.fetch("/api/invites")).json()) as any).invites.map((i: any) => i.code)).toEqual([invite]);
    const friend = new TestClient(undefined, undefined, appWith({ SIGNUP: "invite" }));
    const options = await friend.json("/api/auth/registration/options", "POST", { name: "Friend", invite });
    expect(options.status).toBe(200);

    // From now on the singleton is not needed: its data gone, everything still works (each object
    // recorded its import and does not ask again).
    await forgetLegacy();
    expect((await signInWithPasskey(new TestClient(), key)).status).toBe(200);
    expect((await session(old)).person).toMatchObject({ kind: "account", name: "Pioneer" });
    const joined = await friend.json("/api/auth/registration/verify", "POST", {
      response: await new SoftAuthenticator().create(await options.json()),
    });
    expect(joined.status, await joined.clone().text()).toBe(200);
    expect(((await (await invites.fetch("/api/invites")).json()) as any).invites).toEqual([]);
  });

  it("a v1 guest cookie on an id that became an account is refused and cleared; other v1 guests move to v2", async () => {
    const { userId } = await legacyAccount("LegacyInviteCode_fghij");
    const stale = new TestClient();
    stale.cookie = await v1Cookie("guest", userId);
    expect((await session(stale)).person).toBeNull();
    expect(stale.jar.has("__Host-session")).toBe(false);
    expect(((await (await stale.fetch("/api/conversations")).json()) as any).conversations).toEqual([]);

    const guest = new TestClient();
    await guest.startGuest();
    const guestId = guest.userId!;
    guest.cookie = await v1Cookie("guest", guestId);
    expect((await session(guest)).person).toEqual({ kind: "guest", owner: false });
    expect(guest.jar.get("__Host-session")).toMatch(/^v2\.g\./);
    expect(guest.userId).toBe(guestId);
    await forgetLegacy();
  });

  it("a new guest's account object knows at birth that there is nothing to import", async () => {
    const guest = new TestClient();
    await guest.startGuest();
    const imported = await runInDurableObject(accountStub(env, guest.userId!), (_o, state) =>
      state.storage.sql.exec(`SELECT value FROM role_meta WHERE key = 'imported'`).toArray(),
    );
    expect(imported).toEqual([{ value: "1" }]);
  });
});
