import { createExecutionContext, runDurableObjectAlarm, waitOnExecutionContext } from "cloudflare:test";
import { env } from "cloudflare:workers";
import { Hono } from "hono";
import { describe, expect, it } from "vitest";
import type { UsageReport } from "../../contract/api";
import type { AppEnv, Person } from "../http/app-types";
import { errorResponse, toAppError } from "../http/errors";
import { personLedgerName, reserve, settle, spenderOf } from "../spend/spend";
import { TestClient } from "../test/client";
import { usage } from "./usage";

/**
 * The usage route behind a test-only identity: identity.ts makes everybody a guest today, so this
 * app sets `person` itself, the way the accounts middleware will.
 */
function appAs(person: Person) {
  return new Hono<AppEnv>()
    .use("*", async (c, next) => {
      c.set("userId", "usage-test");
      c.set("person", person);
      await next();
    })
    .route("/api/usage", usage)
    .onError((error, c) => errorResponse(c, toAppError(error)));
}

async function get(person: Person) {
  const ctx = createExecutionContext();
  const response = await appAs(person).fetch(new Request("http://app.test/api/usage"), env, ctx);
  await waitOnExecutionContext(ctx);
  return response;
}

describe("GET /api/usage", () => {
  it("is refused with 403 to everyone but the owner", async () => {
    for (const person of [
      { kind: "guest", owner: false },
      { kind: "account", accountId: "a", name: "Bo", owner: false, approved: true },
    ] as Person[]) {
      const response = await get(person);
      expect(response.status).toBe(403);
      expect(((await response.json()) as any).error.code).toBe("owner_only");
    }
    // Through the real app, a stranger is a guest.
    expect((await new TestClient().fetch("/api/usage")).status).toBe(403);
  });

  it("shows the owner today's and 30 days' spend, per account and for all guests together, with the budgets", async () => {
    const ada = { kind: "account", accountId: crypto.randomUUID(), name: "Ada", owner: false, approved: true } as const;
    const report = async () =>
      (await (await get({ kind: "account", accountId: "o", name: "Owner", owner: true, approved: true })).json()) as UsageReport;
    const before = await report();
    const g1 = { userId: "g1", person: { kind: "guest", owner: false }, address: "local" } as const;
    const g2 = { userId: "g2", person: { kind: "guest", owner: false }, address: "local" } as const;
    const a = { userId: "a", person: ada, address: "local" };
    await settle(env, await reserve(env, g1, 50), 30);
    await reserve(env, g2, 20);
    await settle(env, await reserve(env, a, 80), 70);

    // As of each person's lease draw: their day then (the worst case, not yet settled).
    const drawn = await report();
    expect(drawn.days[0].total - before.days[0].total).toBe(50 + 20 + 80);
    expect(drawn.days[0].people.find((p) => p.label === "Ada")).toMatchObject({ kind: "account", neurons: 80 });
    expect(drawn.asOf).toMatch(/last reported/);

    // Their ledgers, quiet for a while, report their settled day and give back the lease they did not use.
    for (const payer of [g1, g2, a]) {
      const stub = env.SPEND_LEDGER.get(env.SPEND_LEDGER.idFromName(personLedgerName(spenderOf(payer).key)));
      expect(await runDurableObjectAlarm(stub)).toBe(true);
    }
    const settled = await report();
    expect(settled.days).toHaveLength(30);
    expect(settled.budgets).toEqual({
      guest: Number(env.GUEST_DAILY_NEURONS),
      account: Number(env.ACCOUNT_DAILY_NEURONS),
      global: Number(env.GLOBAL_DAILY_NEURONS),
      address: Number(env.ADDRESS_DAILY_NEURONS),
      addressBlock: Number(env.ADDRESS_BLOCK_DAILY_NEURONS),
    });
    const [today] = settled.days;
    expect(today.total - before.days[0].total).toBe(30 + 20 + 70);
    expect(today.guests - before.days[0].guests).toBe(30 + 20);
    expect(today.people.find((p) => p.label === "Ada")).toMatchObject({ kind: "account", neurons: 70 });
    // What is still lent of the global budget: exactly what they spent or hold reserved once the rest is given back.
    expect(today.leased - before.days[0].leased).toBe(30 + 20 + 70);
  });
});
