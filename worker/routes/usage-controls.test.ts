import { createExecutionContext, runDurableObjectAlarm, runInDurableObject, waitOnExecutionContext } from "cloudflare:test";
import { env } from "cloudflare:workers";
import { Hono } from "hono";
import { describe, expect, it } from "vitest";
import type { DeploymentUsage, MyUsage } from "../../contract/usage";
import type { AppEnv, Person } from "../http/app-types";
import { errorResponse, toAppError } from "../http/errors";
import { moveToday, personLedgerName, reserve, settle, spenderOf, type Payer } from "../spend/spend";
import { TestClient } from "../test/client";
import { usage } from "./usage";

/** The usage routes behind a test-only identity (the real identity middleware makes strangers guests). */
function appAs(person: Person, userId = "usage-controls") {
  return new Hono<AppEnv>()
    .use("*", async (c, next) => {
      c.set("userId", userId);
      c.set("person", person);
      await next();
    })
    .route("/api/usage", usage)
    .onError((error, c) => errorResponse(c, toAppError(error)));
}

async function call(person: Person, path: string, init?: RequestInit, userId?: string) {
  const ctx = createExecutionContext();
  const response = await appAs(person, userId).fetch(new Request(`http://app.test/api/usage${path}`, init), env, ctx);
  await waitOnExecutionContext(ctx);
  return response;
}

const owner: Person = { kind: "account", accountId: "owner", name: "Owner", owner: true, approved: true };
const someone = (name: string): Payer & { person: Person & { kind: "account" } } => ({
  userId: name,
  person: { kind: "account", accountId: crypto.randomUUID(), name, owner: false, approved: true },
  address: "local",
});
const mine = async (payer: Payer) => (await (await call(payer.person, "/mine", undefined, payer.userId)).json()) as MyUsage;
const put = (key: string, body: unknown, as: Person = owner) =>
  call(as, `/people/${encodeURIComponent(key)}`, {
    method: "PUT",
    headers: { "content-type": "application/json" },
    body: JSON.stringify(body),
  });
const ledgerOf = (payer: Payer) => env.SPEND_LEDGER.get(env.SPEND_LEDGER.idFromName(personLedgerName(spenderOf(payer).key)));

describe("usage by kind and model", () => {
  it("records each settled call under its kind and model, for the person alone", async () => {
    const ada = someone("Ada");
    const bo = someone("Bo");
    await settle(env, await reserve(env, { ...ada, use: { kind: "chat", model: "@cf/meta/llama-3.1-8b-instruct" } }, 100), 40);
    await settle(env, await reserve(env, { ...ada, use: { kind: "chat", model: "@cf/meta/llama-3.1-8b-instruct" } }, 100), 2);
    await settle(env, await reserve(env, { ...ada, use: { kind: "tools", model: "@cf/qwen/qwq-32b" } }, 100), 25);
    await settle(env, await reserve(env, { ...ada, use: { kind: "images", model: "@cf/black-forest-labs/flux-1-schnell" } }, 100), 0);
    await settle(env, await reserve(env, ada, 100), 5);
    await settle(env, await reserve(env, { ...bo, use: { kind: "voice", model: "@cf/openai/whisper" } }, 100), 9);

    const chart = await mine(ada);
    expect(chart.days).toHaveLength(30);
    expect(chart.days[0].day < chart.days[29].day).toBe(true); // oldest first
    expect(chart.days[29].slices).toEqual([
      { kind: "chat", model: "@cf/meta/llama-3.1-8b-instruct", neurons: 42 },
      { kind: "tools", model: "@cf/qwen/qwq-32b", neurons: 25 },
      { kind: "other", model: "", neurons: 5 },
    ]);
    expect(chart.today).toMatchObject({
      used: 72,
      limit: Number(env.ACCOUNT_DAILY_NEURONS),
      left: Number(env.ACCOUNT_DAILY_NEURONS) - 72,
      blocked: false,
    });
    // Bo's spend is his alone.
    expect((await mine(bo)).days[29].slices).toEqual([{ kind: "voice", model: "@cf/openai/whisper", neurons: 9 }]);
  });

  it("keeps 31 days and prunes older ones when the ledger goes idle", async () => {
    const cy = someone("Cy");
    const now = Date.now();
    const daysAgo = (n: number) => now - n * 86_400_000;
    for (const n of [40, 30, 29]) await settle(env, await reserve(env, { ...cy, use: { kind: "chat", model: "m" } }, 10, daysAgo(n)), 7);
    const stored = () =>
      runInDurableObject(ledgerOf(cy), (_, state) =>
        state.storage.sql
          .exec<{ day: string }>(`SELECT day FROM person_uses ORDER BY day`)
          .toArray()
          .map((r) => r.day),
      );
    expect(await stored()).toHaveLength(3);
    expect(await runDurableObjectAlarm(ledgerOf(cy))).toBe(true);
    const day = (n: number) => new Date(daysAgo(n)).toISOString().slice(0, 10);
    expect(await stored()).toEqual([day(30), day(29)]);
    // The chart shows 30 days: the 29-days-ago one is its first.
    expect((await mine(cy)).days[0]).toEqual({ day: day(29), slices: [{ kind: "chat", model: "m", neurons: 7 }] });
  });
});

describe("the owner's controls", () => {
  it("refuses every owner route to anyone else with 403", async () => {
    const bo = someone("Bo");
    for (const response of [
      await call(bo.person, "/people"),
      await put(`account:${bo.person.accountId}`, { dailyLimit: null, blocked: true }, bo.person),
      await put(`account:${bo.person.accountId}`, { dailyLimit: null, blocked: true }, { kind: "guest", owner: false }),
    ]) {
      expect(response.status).toBe(403);
      expect(((await response.json()) as any).error.code).toBe("owner_only");
    }
    // Nothing changed: Bo can still spend.
    await expect(reserve(env, bo, 10)).resolves.toMatchObject({ neurons: 10 });
  });

  it("checks what it is sent", async () => {
    expect((await put("nobody", { dailyLimit: 10, blocked: false })).status).toBe(400);
    expect((await put("account:x", { dailyLimit: -1, blocked: false })).status).toBe(400);
    expect((await put("account:x", { dailyLimit: 10 })).status).toBe(400);
  });

  it("a changed budget holds from the person's very next reservation, and the list shows it", async () => {
    const dee = someone("Dee");
    const key = spenderOf(dee).key;
    await settle(env, await reserve(env, dee, 500), 300);
    expect((await put(key, { dailyLimit: 400, blocked: false })).status).toBe(200);
    const refused = await reserve(env, dee, 150).then(
      () => null,
      (error) => toAppError(error),
    );
    expect(refused).toMatchObject({ code: "budget_exhausted" });
    expect(refused?.message).toMatch(/more than the 100 left in your budget/);
    await expect(reserve(env, dee, 100)).resolves.toMatchObject({ neurons: 100 });
    expect((await mine(dee)).today).toMatchObject({ limit: 400, used: 400, left: 0 });

    const list = (await (await call(owner, "/people")).json()) as DeploymentUsage;
    expect(list.days).toHaveLength(30);
    expect(list.people.find((p) => p.key === key)).toMatchObject({
      label: "Dee",
      kind: "account",
      override: { dailyLimit: 400, blocked: false },
    });

    // Back to the configured budget.
    await put(key, { dailyLimit: null, blocked: false });
    await expect(reserve(env, dee, 150)).resolves.toMatchObject({ neurons: 150 });
  });

  it("a blocked person is refused on their very next request with a 403 that says why, until unblocked", async () => {
    const client = new TestClient();
    await client.startGuest();
    const key = `guest:${client.userId}`;
    const speak = () => client.json("/api/audio/speech", "POST", { text: "Hello there." });
    expect((await put(key, { dailyLimit: null, blocked: true })).status).toBe(200);
    const response = await speak();
    expect(response.status).toBe(403);
    const body = (await response.json()) as any;
    expect(body.error.code).toBe("person_blocked");
    expect(body.error.message).toMatch(/owner of this app has stopped your use/);
    const chart = (await (await client.fetch("/api/usage/mine")).json()) as MyUsage;
    expect(chart.today).toMatchObject({ blocked: true, left: 0 });

    // Unblocked, the next reservation goes through (reserved directly: the test has no model to call).
    await put(key, { dailyLimit: null, blocked: false });
    const guest: Payer = { userId: client.userId ?? "", person: { kind: "guest", owner: false }, address: "local" };
    await expect(reserve(env, guest, 10)).resolves.toMatchObject({ neurons: 10 });
  });

  it("shows the owner the deployment's days by kind and model once people report", async () => {
    const eve = someone("Eve");
    await settle(env, await reserve(env, { ...eve, use: { kind: "documents", model: "@cf/baai/bge-m3" } }, 50), 11);
    expect(await runDurableObjectAlarm(ledgerOf(eve))).toBe(true);
    const list = (await (await call(owner, "/people")).json()) as DeploymentUsage;
    const today = list.days[29].slices.find((s) => s.kind === "documents" && s.model === "@cf/baai/bge-m3");
    expect(today?.neurons).toBeGreaterThanOrEqual(11);
    expect(list.people.find((p) => p.label === "Eve")).toMatchObject({ today: 11, month: 11, override: null });
  });
});

describe("a guest signing in", () => {
  it("brings their whole chart to the account, today's and earlier days'", async () => {
    const guestId = crypto.randomUUID();
    const guest: Payer = { userId: guestId, person: { kind: "guest", owner: false }, address: "local" };
    const account = someone("Fay");
    const threeDaysAgo = Date.now() - 3 * 86_400_000;
    await settle(env, await reserve(env, { ...guest, use: { kind: "chat", model: "m" } }, 50), 12);
    await settle(env, await reserve(env, { ...guest, use: { kind: "images", model: "p" } }, 50, threeDaysAgo), 8);
    await settle(env, await reserve(env, { ...account, use: { kind: "chat", model: "m" } }, 50), 3);
    await moveToday(env, guestId, account.person.accountId);
    const chart = (await mine(account)).days;
    expect(chart[29].slices).toEqual([{ kind: "chat", model: "m", neurons: 15 }]);
    expect(chart[26].slices).toEqual([{ kind: "images", model: "p", neurons: 8 }]);
    expect((await mine(guest)).days.flatMap((d) => d.slices)).toEqual([]);
  });
});
