import { createExecutionContext, runDurableObjectAlarm, waitOnExecutionContext } from "cloudflare:test";
import { env } from "cloudflare:workers";
import { convertToModelMessages, type UIMessage } from "ai";
import { afterEach, describe, expect, it, vi } from "vitest";
import { DEFAULT_CHAT_MODEL, findChatModel } from "../../contract/models";
import { tokenCost } from "../../contract/pricing";
import { addressBlock, addressBucket } from "../auth/address";
import type { Person } from "../http/app-types";
import app from "../index";
import { allShardNames, shardName } from "../shared-state/shard";
import { newConversationId, readUiStream, TestClient, userMessage, randomAddress } from "../test/client";
import { legacyChunks, recordedRun, sseStream } from "../test/recorded-ai";
import { worstCaseAnswer } from "./answer-cost";
import { utcDay } from "./day";
import { budgetStatus, ledgerNamed, moveToday, personLedgerName, reserve, settle, spenderOf, type Payer } from "./spend";

afterEach(() => vi.restoreAllMocks());

const HOUR = 3_600_000;
/** Each test that drives the ledger directly takes its own UTC day, so the shared counters start at 0. */
const dayOf = (n: number) => Date.parse("2030-01-01T12:00:00Z") + n * 24 * HOUR;

const guest = (address = randomAddress()): Payer => ({ userId: crypto.randomUUID(), person: { kind: "guest", owner: false }, address });
const account = (approved = true, address = randomAddress()): Payer => ({
  userId: crypto.randomUUID(),
  person: { kind: "account", accountId: crypto.randomUUID(), name: "Ada", owner: false, approved },
  address,
});
const budgets = (b: { guest?: number; account?: number; global?: number; address?: number; addressBlock?: number }) => ({
  ...env,
  GUEST_DAILY_NEURONS: String(b.guest ?? 0),
  ACCOUNT_DAILY_NEURONS: String(b.account ?? 0),
  GLOBAL_DAILY_NEURONS: String(b.global ?? 0),
  ADDRESS_DAILY_NEURONS: String(b.address ?? 0),
  ADDRESS_BLOCK_DAILY_NEURONS: String(b.addressBlock ?? 0),
});

/** What the `budget:N` shards lent of the global budget on `now`'s day, and in how many draws. */
async function globalLent(e: Env, now: number) {
  const all = await Promise.all(allShardNames("budget").map((name) => ledgerNamed(e, name).lent(utcDay(now), "*")));
  return { lent: all.reduce((n, s) => n + s.lent, 0), draws: all.reduce((n, s) => n + s.draws, 0) };
}

/** Reservations granted of `tries` attempts, and the refusals' messages. */
async function attempts(tries: Promise<unknown>[]) {
  const results = await Promise.allSettled(tries);
  return {
    granted: results.filter((r) => r.status === "fulfilled").length,
    refusals: results.flatMap((r) => (r.status === "rejected" ? [String((r.reason as Error).message)] : [])),
  };
}

describe("reserve and settle", () => {
  it("settle replaces the reservation's worst case with the actual cost, once", async () => {
    const now = dayOf(1);
    const who = guest();
    const e = budgets({ guest: 1000 });
    const reservation = await reserve(e, who, 400, now);
    expect((await budgetStatus(e, who, now)).used).toBe(400);
    await settle(e, reservation, 120);
    expect(await budgetStatus(e, who, now)).toMatchObject({ used: 120 });
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
    // An account from open sign-up, not approved by the owner yet, spends a guest's budget.
    const unapproved = account(false);
    expect((await budgetStatus(e, unapproved, now)).limit).toBe(100);
    await expect(reserve(e, unapproved, 101, now)).rejects.toMatchObject({ code: "budget_exhausted" });
    // 0 turns a budget off.
    await expect(reserve(budgets({ guest: 0 }), g, 1_000_000, now)).resolves.toBeTruthy();
  });

  it("says which budget ran out and when it resets", async () => {
    const now = Date.parse("2030-02-01T23:00:00Z");
    const e = budgets({ guest: 1000, global: 50 });
    const who = guest();
    const refused = await reserve(e, who, 60, now).catch((e) => e);
    expect(refused).toMatchObject({ code: "budget_exhausted", retryAfter: 3600 });
    expect(refused.message).toMatch(/^This app has used its budget for today/);
    // The header's "left today" learns it from the person's own ledger, which found every slice spent.
    expect((await budgetStatus(e, who, now)).global).toEqual({ limit: 50, used: 50 });
    const mine = await reserve(budgets({ guest: 10 }), guest(), 60, now).catch((e) => e);
    expect(mine.message).toMatch(/left in your budget for today/);
  });

  it("100 parallel reservations from 100 people never overspend a small global budget, leases and all", { timeout: 120_000 }, async () => {
    const now = dayOf(4);
    const e = budgets({ guest: 1000, global: 1000 });
    const { granted, refusals } = await attempts(Array.from({ length: 100 }, () => reserve(e, guest(), 30, now)));
    // Leases lent and not used by the end are not given to anyone else: the cap errs on the safe side.
    expect(granted * 30).toBeLessThanOrEqual(1000);
    expect(granted).toBeGreaterThan(10);
    expect(refusals.every((m) => m.startsWith("This app has used its budget for today"))).toBe(true);
    const { lent } = await globalLent(e, now);
    expect(lent).toBeLessThanOrEqual(1000);
    expect(lent).toBeGreaterThanOrEqual(granted * 30);

    // Each asking more than one shard's slice (62 or 63): only room gathered from several shards may grant it.
    const later = dayOf(14);
    const big = await attempts(Array.from({ length: 40 }, () => reserve(e, guest(), 100, later)));
    expect(big.granted * 100).toBeLessThanOrEqual(1000);
    expect((await globalLent(e, later)).lent).toBeLessThanOrEqual(1000);
  });

  it("parallel reservations from one person never pass their limit, and never refuse room they have", async () => {
    const now = dayOf(5);
    const e = budgets({ guest: 1000, global: 100_000, address: 100_000 });
    const who = guest();
    const { granted } = await attempts(Array.from({ length: 50 }, () => reserve(e, who, 30, now)));
    expect(granted).toBe(Math.floor(1000 / 30));
    expect((await budgetStatus(e, who, now)).used).toBe(granted * 30);
  });
});

describe("leases of the global budget", () => {
  it("100 reservations by one person draw from a budget shard only a few times", async () => {
    const now = dayOf(6);
    const e = budgets({ account: 0, global: 1_000_000, address: 1_000_000 });
    const who = account();
    for (let i = 0; i < 100; i++) await settle(e, await reserve(e, who, 30, now), 20);
    const { draws, lent } = await globalLent(e, now);
    expect(draws).toBeGreaterThan(0);
    expect(draws).toBeLessThanOrEqual(5);
    expect(lent).toBeGreaterThanOrEqual(2000);
    const bucket = addressBucket(who.address);
    expect((await ledgerNamed(e, shardName("addresses", bucket)).lent(utcDay(now), bucket)).draws).toBeLessThanOrEqual(5);
  });

  it("once the global budget is spent, new people are refused without each asking every budget shard", async () => {
    const now = dayOf(15);
    const e = budgets({ guest: 1000, global: 160 });
    // Spent: ten neurons a shard, taken by people whose home shards cover all sixteen.
    while ((await attempts([reserve(e, guest(), 10, now)])).granted > 0);
    const before = (await globalLent(e, now)).draws;
    const late = await attempts(Array.from({ length: 50 }, () => reserve(e, guest(), 10, now)));
    expect(late.granted).toBe(0);
    expect(late.refusals.every((m) => m.startsWith("This app has used its budget for today"))).toBe(true);
    // Without the isolate's memory of empty shards each of the 50 asked all 16 (800 draws): a flood of
    // new identities after the budget is spent would hammer every shard.
    expect((await globalLent(e, now)).draws - before).toBeLessThanOrEqual(16);
  });

  it("a settlement gives the unused part of its reservation back to the person's lease", async () => {
    const now = dayOf(7);
    // 600 per shard: a person's first lease for 500 takes 500 and no headroom (at most a quarter of a slice).
    const e = budgets({ global: 16 * 600 });
    const who = account();
    const first = await reserve(e, who, 500, now);
    expect(await globalLent(e, now)).toEqual({ lent: 500, draws: 1 });
    await settle(e, first, 100);
    await reserve(e, who, 400, now); // fits in the 400 the settlement gave back: no draw
    expect(await globalLent(e, now)).toEqual({ lent: 500, draws: 1 });
    await reserve(e, who, 1, now); // the lease is used up now
    expect((await globalLent(e, now)).draws).toBe(2);
  });

  it("an idle ledger gives its unused lease back, so the budget is not locked up by people who left", async () => {
    const e = budgets({ global: 16 * 600 });
    const who = account();
    await settle(e, await reserve(e, who, 500), 100);
    expect((await globalLent(e, Date.now())).lent).toBe(500);
    const stub = env.SPEND_LEDGER.get(env.SPEND_LEDGER.idFromName(personLedgerName(spenderOf(who).key)));
    expect(await runDurableObjectAlarm(stub)).toBe(true);
    expect((await globalLent(e, Date.now())).lent).toBe(100);
  });
});

describe("budgets per address", () => {
  /** Each of `people` asks four times in turn for 50 neurons; all of them at once. */
  async function spendFrom(e: Env, people: Payer[], now: number) {
    let spent = 0;
    const refusals: string[] = [];
    await Promise.all(
      people.map(async (who) => {
        for (let i = 0; i < 4; i++) {
          try {
            await reserve(e, who, 50, now);
            spent += 50;
          } catch (error) {
            refusals.push((error as Error).message);
          }
        }
      }),
    );
    return { spent, refusals };
  }

  it("10 guests from one IPv6 /64, or one IPv4 address, spend no more than the address's budget; another address is unaffected", async () => {
    const now = dayOf(8);
    const e = budgets({ guest: 200, address: 500 });
    for (const [crowd, elsewhere] of [
      [Array.from({ length: 10 }, (_, i) => guest(`2001:db8:1:1::${i + 1}`)), guest("2001:db8:1:2::1")],
      [Array.from({ length: 10 }, () => guest("203.0.113.7")), guest("203.0.113.8")],
    ]) {
      const { spent, refusals } = await spendFrom(e, crowd as Payer[], now);
      expect(spent).toBeLessThanOrEqual(500);
      expect(spent).toBeGreaterThanOrEqual(250);
      expect(refusals.length).toBeGreaterThan(0);
      expect(refusals[0]).toMatch(/spent from your network today/);
      await expect(reserve(e, elsewhere as Payer, 200, now)).resolves.toMatchObject({ neurons: 200 });
    }
  });

  it("10 guests from ten /64s of one IPv6 /48 spend no more than the /48's budget; another /48 is unaffected", async () => {
    const now = dayOf(9);
    const e = budgets({ guest: 200, address: 500, addressBlock: 800 });
    const crowd = Array.from({ length: 10 }, (_, i) => guest(`2001:db8:5:${i + 1}::1`));
    expect(new Set(crowd.map((p) => addressBlock(p.address))).size).toBe(1);
    const { spent, refusals } = await spendFrom(e, crowd, now);
    expect(spent).toBeLessThanOrEqual(800);
    expect(spent).toBeGreaterThanOrEqual(400);
    expect(refusals[0]).toMatch(/spent from your network today/);
    await expect(reserve(e, guest("2001:db8:6:1::1"), 200, now)).resolves.toMatchObject({ neurons: 200 });
  });

  it("the chat route charges the caller's address: a second person there is refused, one elsewhere is not", async () => {
    const question = "How far is the Moon?";
    const maxTokens = 200;
    const worst = await worstCaseOf(question, maxTokens);
    const e = budgets({ guest: 100_000, address: worst + Math.floor(worst / 2) });
    const model = gatedModel();
    model.open();
    const ctx = createExecutionContext();
    const clientAt = async (address: string) => {
      const client = new TestClient(address, "http://app.test", async (request) => app.fetch(request, e, ctx));
      await client.startGuest();
      return client;
    };
    // No tools: the worst case is the messages' alone (a tool answer's adds its tools' definitions).
    const ask = (client: TestClient) => client.chat({ id: newConversationId(), messages: [userMessage(question)], maxTokens, tools: [] });
    const [first, second, elsewhere] = [await clientAt("198.51.100.1"), await clientAt("198.51.100.1"), await clientAt("198.51.100.2")];
    const answered = await ask(first);
    expect(answered.status).toBe(200);
    await readUiStream(answered);
    const refused = await ask(second);
    expect(refused.status).toBe(429);
    expect(((await refused.json()) as { error: { message: string } }).error.message).toMatch(/spent from your network today/);
    const other = await ask(elsewhere);
    expect(other.status).toBe(200);
    await readUiStream(other);
    await waitOnExecutionContext(ctx);
    expect(model.calls).toHaveLength(2);
  });
});

describe("a guest signing in to an account", () => {
  it("brings today's spend, and an answer still running settles on the account", async () => {
    const now = Date.now();
    const e = budgets({ guest: 1000, account: 5000, global: 100_000 });
    const g = guest();
    const accountId = crypto.randomUUID();
    const a: Payer = {
      userId: accountId,
      person: { kind: "account", accountId, name: "Ada", owner: false, approved: true },
      address: g.address,
    };
    await settle(e, await reserve(e, g, 300, now), 100);
    const running = await reserve(e, g, 200, now);
    await moveToday(e, g.userId, accountId, now);
    expect((await budgetStatus(e, a, now)).used).toBe(300);
    expect((await budgetStatus(e, g, now)).used).toBe(0);
    await settle(e, running, 50);
    expect((await budgetStatus(e, a, now)).used).toBe(150);
    expect((await budgetStatus(e, g, now)).used).toBe(0);
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
          // No tools: `worstCaseOf` is the messages' alone (a tool answer's adds its tools' definitions).
          body: JSON.stringify({ id: newConversationId(), messages: [userMessage(question)], maxTokens, tools: [] }),
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
    const payer: Payer = { userId: client.userId!, person: { kind: "guest", owner: false }, address: "local" };
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
    // Two worst cases per budget shard: a slice smaller than one request could only be used by
    // combining slices, which 100 people at once split into fragments none of them can use.
    const limit = 16 * 2 * worst + worst - 1;
    const affordable = Math.floor(limit / worst);
    // Today's counters are shared with the other tests of this file that run on the real date.
    const before = (await globalLent(env, Date.now())).lent;
    const e = budgets({ guest: 100_000, global: limit });
    const model = gatedModel();

    // No cookie: every request mints a fresh identity, as a script that drops its cookie would.
    const { responses, ctx } = await chatBurst(100, e, () => undefined, question, maxTokens);
    const refused = responses.filter((r) => r.status === 429);
    const answered = responses.filter((r) => r.status === 200).length;
    // At most what the budget affords; fewer when leases lent out are not all used (the cap errs on the safe side).
    expect(answered).toBeLessThanOrEqual(affordable);
    expect(answered).toBeGreaterThan(0);
    expect(refused).toHaveLength(100 - answered);
    const body = (await refused[0].json()) as { error: { code: string; message: string } };
    expect(body.error.code).toBe("budget_exhausted");
    expect(body.error.message).toMatch(/^This app has used its budget for today/);
    expect(Number(refused[0].headers.get("retry-after"))).toBeGreaterThan(0);
    model.open();
    await Promise.all(responses.filter((r) => r.status === 200).map((r) => readUiStream(r)));
    await waitOnExecutionContext(ctx);

    expect(model.calls).toHaveLength(answered);
    expect((await globalLent(e, Date.now())).lent - before).toBeLessThanOrEqual(limit);
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
