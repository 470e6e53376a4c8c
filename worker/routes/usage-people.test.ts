import { createExecutionContext, runDurableObjectAlarm, runInDurableObject, waitOnExecutionContext } from "cloudflare:test";
import { env } from "cloudflare:workers";
import { Hono } from "hono";
import { describe, expect, it } from "vitest";
import type { UsageReport } from "../../contract/api";
import type { DeploymentUsage, MyUsage, PersonOverride } from "../../contract/usage";
import type { AppEnv, Person } from "../http/app-types";
import { errorResponse, toAppError } from "../http/errors";
import { shardName } from "../shared-state/shard";
import { DELETED_PEOPLE } from "../spend/shard-counters";
import { personLedgerName, reserve, settle, type Payer } from "../spend/spend";
import { SoftAuthenticator } from "../test/authenticator";
import { TestClient } from "../test/client";
import { createPasskey, signInWithPasskey } from "../test/passkeys";
import { usage } from "./usage";

/**
 * The owner's controls across a person's life: a guest's block or budget at sign-up and sign-in, and
 * what an account's deletion leaves of their spend. People are real (passkeys through the Worker, a
 * software authenticator); the owner is a test-only identity on the usage routes, as in usage-controls.test.ts.
 */
const owner: Person = { kind: "account", accountId: "owner", name: "Owner", owner: true, approved: true };
const ownerApp = new Hono<AppEnv>()
  .use("*", async (c, next) => {
    c.set("userId", "owner");
    c.set("person", owner);
    await next();
  })
  .route("/api/usage", usage)
  .onError((error, c) => errorResponse(c, toAppError(error)));

async function asOwner(path: string, init?: RequestInit) {
  const ctx = createExecutionContext();
  const response = await ownerApp.fetch(new Request(`http://app.test/api/usage${path}`, init), env, ctx);
  await waitOnExecutionContext(ctx);
  return response;
}
async function decide(key: string, override: PersonOverride) {
  const response = await asOwner(`/people/${encodeURIComponent(key)}`, {
    method: "PUT",
    headers: { "content-type": "application/json" },
    body: JSON.stringify(override),
  });
  expect(response.status).toBe(200);
}
const people = async () => (await (await asOwner("/people")).json()) as DeploymentUsage;
const mine = async (client: TestClient) => (await (await client.fetch("/api/usage/mine")).json()) as MyUsage;
/** A request that spends (a sentence read aloud): refused before any model call when the person may not spend. */
const speak = (client: TestClient) => client.json("/api/audio/speech", "POST", { text: "Hello there." });
const ledger = (key: string) => env.SPEND_LEDGER.get(env.SPEND_LEDGER.idFromName(personLedgerName(key)));
const accountPayer = (accountId: string, name: string): Payer => ({
  userId: accountId,
  person: { kind: "account", accountId, name, owner: false, approved: true },
  address: "local",
});

async function guest(): Promise<{ client: TestClient; key: string }> {
  const client = new TestClient();
  await client.startGuest();
  return { client, key: `guest:${client.userId}` };
}

describe("the owner's decision about a guest", () => {
  it("follows them into an account they make: a blocked guest is still blocked after signing up", async () => {
    const { client, key } = await guest();
    await decide(key, { dailyLimit: null, blocked: true });
    expect((await speak(client)).status).toBe(403);

    expect((await createPasskey(client, new SoftAuthenticator(), { name: "Still Blocked" })).status).toBe(200);
    const accountKey = `account:${client.userId}`;
    expect(accountKey).not.toBe(`account:${key.slice(6)}`); // sign-up made a new id: the block had to move
    const refused = await speak(client);
    expect(refused.status).toBe(403);
    expect(((await refused.json()) as any).error.code).toBe("person_blocked");
    expect((await mine(client)).today).toMatchObject({ blocked: true, left: 0 });
    // The owner's list shows the account blocked at once, by its name (a blocked ledger never reserves, which is how it would learn it).
    expect((await people()).people.find((p) => p.key === accountKey)).toMatchObject({
      label: "Still Blocked",
      override: { dailyLimit: null, blocked: true },
    });
  });

  it("a guest's daily budget follows them into an account they make", async () => {
    const { client, key } = await guest();
    await decide(key, { dailyLimit: 1, blocked: false });
    expect((await createPasskey(client, new SoftAuthenticator(), { name: "Small Budget" })).status).toBe(200);
    expect((await mine(client)).today).toMatchObject({ limit: 1, blocked: false });
    await expect(reserve(env, accountPayer(client.userId!, "Small Budget"), 10)).rejects.toMatchObject({ code: "budget_exhausted" });
  });

  it("does not block an existing account the guest signs in to", async () => {
    const phone = new TestClient();
    const phoneKey = new SoftAuthenticator();
    expect((await createPasskey(phone, phoneKey, { name: "Known Person" })).status).toBe(200);
    const accountId = phone.userId!;

    const { client: laptop, key } = await guest();
    await decide(key, { dailyLimit: 1, blocked: true });
    const laptopKey = new SoftAuthenticator();
    phoneKey.copyTo(laptopKey);
    expect((await signInWithPasskey(laptop, laptopKey)).status).toBe(200);
    expect(laptop.userId).toBe(accountId);

    // The account keeps its own standing: no block, its own budget.
    expect((await mine(laptop)).today).toMatchObject({ blocked: false, limit: Number(env.GUEST_DAILY_NEURONS) });
    await expect(reserve(env, accountPayer(accountId, "Known Person"), 10)).resolves.toMatchObject({ neurons: 10 });
  });
});

describe("deleting an account", () => {
  it("leaves none of its spend behind: the ledger is empty, the owner's list forgets it, the day totals keep its neurons unnamed", async () => {
    const client = new TestClient();
    expect((await createPasskey(client, new SoftAuthenticator(), { name: "Leaving Soon" })).status).toBe(200);
    const accountId = client.userId!;
    const key = `account:${accountId}`;
    const payer = accountPayer(accountId, "Leaving Soon");
    await settle(env, await reserve(env, { ...payer, use: { kind: "chat", model: "leaving-model" } }, 100), 37);
    expect(await runDurableObjectAlarm(ledger(key))).toBe(true); // the idle report: the shard knows them by name
    await decide(key, { dailyLimit: 500, blocked: false });
    const listed = (await people()).people.find((p) => p.key === key);
    expect(listed).toMatchObject({ label: "Leaving Soon", today: 37, override: { dailyLimit: 500, blocked: false } });

    const home = env.SPEND_LEDGER.get(env.SPEND_LEDGER.idFromName(shardName("budget", key)));
    const deletedToday = () =>
      runInDurableObject(home, (_, state) => {
        const today = new Date().toISOString().slice(0, 10);
        const sql = state.storage.sql;
        return {
          days: sql
            .exec<{ n: number }>(
              `SELECT COALESCE(SUM(neurons), 0) AS n FROM reported_days WHERE who = ? AND day = ?`,
              DELETED_PEOPLE,
              today,
            )
            .one().n,
          uses: sql
            .exec<{ n: number }>(
              `SELECT COALESCE(SUM(neurons), 0) AS n FROM reported_uses WHERE who = ? AND day = ? AND model = 'leaving-model'`,
              DELETED_PEOPLE,
              today,
            )
            .one().n,
        };
      });
    const before = await deletedToday();
    const totalBefore = ((await (await asOwner("")).json()) as UsageReport).days[0].total;

    expect((await client.fetch("/api/account", { method: "DELETE" })).status).toBe(204);

    // The person's own ledger holds nothing but the mark that keeps it empty.
    const left = await runInDurableObject(ledger(key), (_, state) => {
      const sql = state.storage.sql;
      const tables = sql
        .exec<{ name: string }>(
          `SELECT name FROM sqlite_master WHERE type = 'table' AND name NOT LIKE '\\_%' ESCAPE '\\' AND name NOT LIKE 'sqlite%'`,
        )
        .toArray()
        .map((t) => t.name);
      return Object.fromEntries(
        tables.map((t) => [t, sql.exec<{ n: number }>(`SELECT COUNT(*) AS n FROM ${t}`).one().n]).filter(([, n]) => n !== 0),
      );
    });
    expect(left).toEqual({ ledger_forgotten: 1 });
    // Their home shard no longer names them anywhere.
    const named = await runInDurableObject(home, (_, state) =>
      ["reported_days", "reported_uses", "person_overrides", "reported_at"].map(
        (t) => state.storage.sql.exec<{ n: number }>(`SELECT COUNT(*) AS n FROM ${t} WHERE who = ?`, key).one().n,
      ),
    );
    expect(named).toEqual([0, 0, 0, 0]);
    expect((await people()).people.find((p) => p.key === key || p.label === "Leaving Soon")).toBeUndefined();
    // What the deployment spent stays counted, unnamed: the day's total and its chart by model.
    const after = await deletedToday();
    expect(after.days - before.days).toBe(37);
    expect(after.uses - before.uses).toBe(37);
    const report = (await (await asOwner("")).json()) as UsageReport;
    expect(report.days[0].total).toBeGreaterThanOrEqual(totalBefore);
    expect(report.days[0].people.map((p) => p.key)).not.toContain(DELETED_PEOPLE);

    // A request already under way when the account went, or an owner's page opened before, writes nothing back.
    await expect(reserve(env, payer, 10)).rejects.toMatchObject({ code: "budget_exhausted" });
    await decide(key, { dailyLimit: null, blocked: true });
    expect(await runInDurableObject(ledger(key), (_, state) => state.storage.sql.exec(`SELECT * FROM person_override`).toArray())).toEqual(
      [],
    );
    expect((await people()).people.find((p) => p.key === key)).toBeUndefined();
  });
});

describe("the owner's page says how current it is", () => {
  it("gives each person's last report time and the newest report's", async () => {
    const { client, key } = await guest();
    const started = Date.now();
    const payer: Payer = { userId: client.userId!, person: { kind: "guest", owner: false }, address: "local" };
    await settle(env, await reserve(env, payer, 20), 5);
    expect(await runDurableObjectAlarm(ledger(key))).toBe(true);
    const list = await people();
    const person = list.people.find((p) => p.key === key);
    expect(person?.updatedAt).toBeGreaterThanOrEqual(started);
    expect(person?.updatedAt).toBeLessThanOrEqual(Date.now());
    expect(list.updatedAt).toBeGreaterThanOrEqual(person?.updatedAt ?? Number.POSITIVE_INFINITY);
  });
});
