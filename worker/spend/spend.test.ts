import { createExecutionContext, waitOnExecutionContext } from "cloudflare:test";
import { env } from "cloudflare:workers";
import { convertToModelMessages, type UIMessage } from "ai";
import { afterEach, describe, expect, it, vi } from "vitest";
import { DEFAULT_CHAT_MODEL, findChatModel } from "../../contract/models";
import { tokenCost } from "../../contract/pricing";
import type { Person } from "../http/app-types";
import app from "../index";
import { newConversationId, readUiStream, TestClient, userMessage, randomAddress } from "../test/client";
import { legacyChunks, recordedRun, sseStream } from "../test/recorded-ai";
import { worstCaseAnswer } from "./answer-cost";
import { budgetStatus, ledger, reserve, settle, spenderOf, type Payer } from "./spend";

afterEach(() => vi.restoreAllMocks());

const HOUR = 3_600_000;
/** Each test that drives the ledger directly takes its own UTC day, so the deployment's counter starts at 0. */
const dayOf = (n: number) => Date.parse("2030-01-01T12:00:00Z") + n * 24 * HOUR;

const guest = (): Payer => ({ userId: crypto.randomUUID(), person: { kind: "guest", owner: false } });
const account = (): Payer => ({
  userId: crypto.randomUUID(),
  person: { kind: "account", accountId: crypto.randomUUID(), name: "Ada", owner: false, approved: true },
});
const budgets = (b: { guest?: number; account?: number; global?: number }) => ({
  ...env,
  GUEST_DAILY_NEURONS: String(b.guest ?? 0),
  ACCOUNT_DAILY_NEURONS: String(b.account ?? 0),
  GLOBAL_DAILY_NEURONS: String(b.global ?? 0),
});

describe("reserve and settle", () => {
  it("settle replaces the reservation's worst case with the actual cost, once", async () => {
    const now = dayOf(1);
    const who = guest();
    const e = budgets({ guest: 1000 });
    const reservation = await reserve(e, who, 400, now);
    expect((await budgetStatus(e, who, now)).used).toBe(400);
    await settle(e, reservation, 120);
    expect(await budgetStatus(e, who, now)).toMatchObject({ used: 120, global: { used: 120 } });
    await settle(e, reservation, 999); // settling again changes nothing
    expect((await budgetStatus(e, who, now)).used).toBe(120);
  });

  it("an unsettled reservation counts its full amount until its UTC day ends, then no longer", async () => {
    const morning = dayOf(2) - 6 * HOUR;
    const who = guest();
    const e = budgets({ guest: 150 });
    await reserve(e, who, 100, morning); // the Worker "dies": never settled
    expect((await budgetStatus(e, who, morning + 17 * HOUR)).used).toBe(100); // 23:00 the same day
    await expect(reserve(e, who, 100, morning + 17 * HOUR)).rejects.toMatchObject({ code: "budget_exhausted", status: 429 });
    const nextDay = morning + 18 * HOUR; // 00:00 UTC
    expect((await budgetStatus(e, who, nextDay)).used).toBe(0);
    await expect(reserve(e, who, 100, nextDay)).resolves.toMatchObject({ neurons: 100 });
  });

  it("guests and accounts have their own daily budgets", async () => {
    const now = dayOf(3);
    const e = budgets({ guest: 100, account: 1000 });
    const g = guest();
    const a = account();
    await expect(reserve(e, g, 101, now)).rejects.toMatchObject({ code: "budget_exhausted" });
    await expect(reserve(e, a, 101, now)).resolves.toMatchObject({ neurons: 101 });
    await expect(reserve(e, a, 900, now)).rejects.toThrow(/more than the 899 left in your budget/);
    expect((await budgetStatus(e, g, now)).limit).toBe(100);
    expect((await budgetStatus(e, a, now)).limit).toBe(1000);
    // 0 turns a budget off.
    await expect(reserve(budgets({ guest: 0 }), g, 1_000_000, now)).resolves.toBeTruthy();
  });

  it("says which budget ran out and when it resets", async () => {
    const now = Date.parse("2030-02-01T23:00:00Z");
    const refused = await reserve(budgets({ guest: 1000, global: 50 }), guest(), 60, now).catch((e) => e);
    expect(refused).toMatchObject({ code: "budget_exhausted", retryAfter: 3600 });
    expect(refused.message).toMatch(/^This app has used its budget for today/);
    const mine = await reserve(budgets({ guest: 10 }), guest(), 60, now).catch((e) => e);
    expect(mine.message).toMatch(/left in your budget for today/);
  });

  it("100 parallel reservations from 100 people never overspend a small global budget", async () => {
    const now = dayOf(4);
    const e = budgets({ guest: 1000, global: 1000 });
    const results = await Promise.allSettled(Array.from({ length: 100 }, () => reserve(e, guest(), 30, now)));
    const granted = results.filter((r) => r.status === "fulfilled").length;
    expect(granted).toBe(Math.floor(1000 / 30));
    expect((await ledger(e).today("nobody", now)).global).toBe(granted * 30);
  });
});

/** A model that answers only when let go, so every request of a burst reserves before any settles. */
function gatedModel() {
  let open!: () => void;
  const gate = new Promise<void>((resolve) => (open = resolve));
  const fake = recordedRun(async () => {
    await gate;
    return sseStream(legacyChunks(["a", "b", "c"], { prompt_tokens: 5, completion_tokens: 3, total_tokens: 8 }));
  });
  vi.spyOn(env.AI, "run").mockImplementation(fake.run as never);
  return { calls: fake.calls, open };
}

async function chatBurst(n: number, e: Env, cookie: () => string | undefined, question: string, maxTokens: number) {
  const ctx = createExecutionContext();
  const responses = await Promise.all(
    Array.from({ length: n }, () =>
      app.fetch(
        new Request("http://app.test/api/chat", {
          method: "POST",
          // Each from its own address: 100 people, not one script (one address may mint only a few guests).
          headers: { "content-type": "application/json", "cf-connecting-ip": randomAddress(), ...(cookie() ? { cookie: cookie()! } : {}) },
          body: JSON.stringify({ id: newConversationId(), messages: [userMessage(question)], maxTokens }),
        }),
        e,
        ctx,
      ),
    ),
  );
  return { responses, ctx };
}

/** The route's own reservation for this question: the person's text and max tokens at the model's price. */
async function worstCaseOf(question: string, maxTokens: number): Promise<number> {
  const messages = await convertToModelMessages([userMessage(question)] as UIMessage[]);
  return worstCaseAnswer(DEFAULT_CHAT_MODEL, { messages }, maxTokens);
}

describe("parallel chat requests", () => {
  it("30 at once for one person: only as many as the budget affords reach the model, and the settled total stays within it", async () => {
    const client = new TestClient();
    await client.startGuest(); // one identity for the whole burst
    const question = "How far is the Moon?";
    const maxTokens = 200;
    const worst = await worstCaseOf(question, maxTokens);
    const affordable = 7;
    const limit = affordable * worst + worst - 1; // room for 7 worst cases, not 8
    const e = budgets({ guest: limit });
    const model = gatedModel();

    const { responses, ctx } = await chatBurst(30, e, () => client.cookie, question, maxTokens);
    const statuses = responses.map((r) => r.status);
    expect(statuses.filter((s) => s === 200)).toHaveLength(affordable);
    expect(statuses.filter((s) => s === 429)).toHaveLength(30 - affordable);
    model.open();
    await Promise.all(responses.map((r) => (r.status === 200 ? readUiStream(r) : r.json())));
    await waitOnExecutionContext(ctx);

    expect(model.calls).toHaveLength(affordable);
    const payer: Payer = { userId: client.userId!, person: { kind: "guest", owner: false } };
    const { used } = await budgetStatus(e, payer);
    // Settled to what the model reported (5 in, 3 out per answer), far below the reservations.
    const actual = tokenCost(findChatModel(DEFAULT_CHAT_MODEL)!.price, 5, 3);
    expect(used).toBe(affordable * actual);
    expect(used).toBeLessThanOrEqual(limit);
  });

  it("100 at once from 100 new identities against a small global budget: never overspent", { timeout: 90_000 }, async () => {
    const question = "Tell me a joke";
    const maxTokens = 100;
    const worst = await worstCaseOf(question, maxTokens);
    const before = (await ledger(env).today("nobody", Date.now())).global;
    const affordable = 12;
    const limit = before + affordable * worst + worst - 1;
    const e = budgets({ guest: 100_000, global: limit });
    const model = gatedModel();

    // No cookie: every request mints a fresh identity, as a script that drops its cookie would.
    const { responses, ctx } = await chatBurst(100, e, () => undefined, question, maxTokens);
    const refused = responses.filter((r) => r.status === 429);
    expect(responses.filter((r) => r.status === 200)).toHaveLength(affordable);
    expect(refused).toHaveLength(100 - affordable);
    const body = (await refused[0].json()) as { error: { code: string; message: string } };
    expect(body.error.code).toBe("budget_exhausted");
    expect(body.error.message).toMatch(/^This app has used its budget for today/);
    expect(Number(refused[0].headers.get("retry-after"))).toBeGreaterThan(0);
    model.open();
    await Promise.all(responses.filter((r) => r.status === 200).map((r) => readUiStream(r)));
    await waitOnExecutionContext(ctx);

    expect(model.calls).toHaveLength(affordable);
    expect((await ledger(env).today("nobody", Date.now())).global).toBeLessThanOrEqual(limit);
  });
});

describe("who spends", () => {
  it("keys a person by what they are, so a guest and an account never share a budget", () => {
    const people: Person[] = [
      { kind: "guest", owner: false },
      { kind: "account", accountId: "a1", name: "Ada", owner: true, approved: true },
      { kind: "access", email: "ada@example.com", owner: false },
    ];
    expect(people.map((person) => spenderOf({ userId: "u1", person }))).toEqual([
      { key: "guest:u1", kind: "guest", label: "" },
      { key: "account:a1", kind: "account", label: "Ada" },
      { key: "access:ada@example.com", kind: "access", label: "ada@example.com" },
    ]);
  });
});
