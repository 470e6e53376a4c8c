import { env } from "cloudflare:workers";
import { afterEach, describe, expect, it, vi } from "vitest";
import { convertToModelMessages, type UIMessage } from "ai";
import { DEFAULT_CHAT_MODEL, findChatModel } from "../../contract/models";
import { tokenCost } from "../../contract/pricing";
import { worstCaseAnswer } from "../spend/answer-cost";
import { budgetsOf, reserve, settle } from "../spend/spend";
import { newConversationId, readUiStream, TestClient, userMessage } from "../test/client";
import { legacyChunks, recordedRun, sseStream } from "../test/recorded-ai";

afterEach(() => vi.restoreAllMocks());

describe("rate limits", () => {
  // The limiter's windows are aligned to the clock (60 s), so a run that straddles a window edge may
  // pass up to twice the limit before its first refusal: the assertions allow exactly that much.
  it("refuses a user past 30 generating requests a minute with 429, Retry-After and a readable message", async () => {
    const spy = vi.spyOn(env.AI, "run");
    const client = new TestClient();
    // Invalid bodies: counted by the limiter (it runs first) without calling a model.
    let passed = 0;
    let refused: Response | undefined;
    while (!refused && passed <= 60) {
      const response = await client.json("/api/chat", "POST", { nope: true });
      if (response.status === 429) refused = response;
      else expect(response.status).toBe(400), passed++;
    }
    expect(passed).toBeGreaterThanOrEqual(30);
    expect(passed).toBeLessThanOrEqual(60);
    if (!refused) throw new Error("never limited");
    expect(refused.headers.get("retry-after")).toBe("60");
    expect(((await refused.json()) as any).error).toMatchObject({
      code: "rate_limited",
      retryAfter: 60,
      message: "Too many requests. Try again in 60 seconds.",
    });
    expect(spy).not.toHaveBeenCalled();
    // Another user is not affected, and reading is never limited.
    expect((await new TestClient().json("/api/chat", "POST", { nope: true })).status).toBe(400);
    expect((await client.fetch("/api/conversations")).status).toBe(200);
  });

  it("limits per client IP across users when Cloudflare names the IP", async () => {
    // The IP limiter itself is Cloudflare's binding (300 a minute, wrangler.jsonc). Spending 300 real
    // requests raced the wall clock on a busy machine, so this checks what is ours: every user behind
    // one address is counted under that address's key, and the address's refusal stops a fresh user.
    // TEST DOUBLE: the IP limiter's answer is scripted; the per-user limiter stays the real binding.
    const keys: string[] = [];
    let addressSpent = false;
    vi.spyOn(env.IP_RATE_LIMITER, "limit").mockImplementation(async ({ key }) => {
      keys.push(key);
      return { success: !addressSpent };
    });
    const post = () =>
      new TestClient().fetch("/api/images", {
        method: "POST",
        headers: { "content-type": "application/json", "cf-connecting-ip": "203.0.113.9" },
        body: "{}",
      });
    expect((await post()).status).toBe(400);
    expect((await post()).status).toBe(400);
    // Each fresh user is also a new guest, limited under `new-identity:<bucket>` (worker/auth/address-limit.ts).
    expect(keys.filter((key) => key.startsWith("ip:"))).toEqual(["ip:203.0.113.9", "ip:203.0.113.9"]);
    addressSpent = true;
    const refused = await post();
    expect(refused.status).toBe(429);
    expect(refused.headers.get("retry-after")).toBe("60");
    // Without CF-Connecting-IP (local tools only) the address limiter is not asked.
    const asked = keys.length;
    await new TestClient(null).fetch("/api/images", { method: "POST", headers: { "content-type": "application/json" }, body: "{}" });
    expect(keys).toHaveLength(asked);
  });
});

describe("daily budget", () => {
  it("counts neurons of saved answers and refuses before calling the model once the next answer's worst case does not fit", async () => {
    const fake = recordedRun(() => sseStream(legacyChunks(["a", "b", "c"], { prompt_tokens: 5, completion_tokens: 3, total_tokens: 8 })));
    vi.spyOn(env.AI, "run").mockImplementation(fake.run as never);
    const client = new TestClient();
    await client.startGuest();
    const maxTokens = 100;
    const worst = worstCaseAnswer(
      DEFAULT_CHAT_MODEL,
      { messages: await convertToModelMessages([userMessage("hi")] as UIMessage[]) },
      maxTokens,
    );
    const actual = tokenCost(findChatModel(DEFAULT_CHAT_MODEL)!.price, 5, 3);
    // The answers are reserved inside the person's Durable Object, with the deployment's own
    // budgets (wrangler.jsonc): the guest has already spent all but room for one worst case plus
    // one settled answer today, not two worst cases at once.
    const limit = budgetsOf(env).guest;
    const earlier = limit - (worst + actual);
    expect(earlier).toBeGreaterThan(0);
    const payer = { userId: client.userId!, person: { kind: "guest", owner: false } as const, address: "local" };
    await settle(env, await reserve(env, payer, earlier), earlier);
    const status = async () => ((await (await client.fetch("/api/status")).json()) as { budget: { limit: number; used: number } }).budget;
    const ask = async () => {
      // No tools: `worst` is the messages' alone (a tool answer's adds its tools' definitions).
      const response = await client.chat({ id: newConversationId(), messages: [userMessage("hi")], maxTokens, tools: [] });
      return {
        response,
        body: (response.headers.get("content-type")?.includes("event-stream")
          ? await readUiStream(response)
          : await response.json()) as any,
      };
    };

    expect((await ask()).response.status).toBe(200); // settled to `actual`
    // Settled after the answer is saved, off the response's path: wait for the state, not a duration.
    await vi.waitFor(async () => expect(await status()).toMatchObject({ limit, used: earlier + actual }));
    expect((await ask()).response.status).toBe(200); // worst + actual still fits
    await vi.waitFor(async () => expect(await status()).toMatchObject({ used: earlier + 2 * actual }));
    const refused = await ask();
    expect(refused.response.status).toBe(429);
    expect(refused.body.error.code).toBe("budget_exhausted");
    expect(refused.body.error.message).toMatch(/could cost up to .* neurons, more than the .* left in your budget for today/);
    expect(Number(refused.response.headers.get("retry-after"))).toBeGreaterThan(0);
    expect(fake.calls).toHaveLength(2);
  });
});
