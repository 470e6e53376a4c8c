import { runInDurableObject } from "cloudflare:test";
import { env } from "cloudflare:workers";
import { afterEach, describe, expect, it, vi } from "vitest";
import { ERRORS } from "../../contract/errors";
import { utcDay } from "../store/usage";
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
      else (expect(response.status).toBe(400), passed++);
    }
    expect(passed).toBeGreaterThanOrEqual(30);
    expect(passed).toBeLessThanOrEqual(60);
    if (!refused) throw new Error("never limited");
    expect(refused.headers.get("retry-after")).toBe("60");
    expect(((await refused.json()) as any).error).toMatchObject({ code: "rate_limited", retryAfter: 60, message: "Too many requests. Try again in 60 seconds." });
    expect(spy).not.toHaveBeenCalled();
    // Another user is not affected, and reading is never limited.
    expect((await new TestClient().json("/api/chat", "POST", { nope: true })).status).toBe(400);
    expect((await client.fetch("/api/conversations")).status).toBe(200);
  });

  it("limits per client IP across users when Cloudflare names the IP", async () => {
    let passed = 0;
    let limited = false;
    while (!limited && passed <= 600) {
      const response = await new TestClient().fetch("/api/images", { method: "POST", headers: { "content-type": "application/json", "cf-connecting-ip": "203.0.113.9" }, body: "{}" });
      if (response.status === 429) limited = true;
      else passed++;
    }
    expect(limited).toBe(true);
    expect(passed).toBeGreaterThanOrEqual(300);
    expect(passed).toBeLessThanOrEqual(600);
  });
});

describe("daily budget", () => {
  it("counts tokens of saved answers and refuses before calling the model once the budget is spent", async () => {
    const fake = recordedRun(() => sseStream(legacyChunks(["a", "b", "c"], { prompt_tokens: 5, completion_tokens: 3, total_tokens: 8 })));
    vi.spyOn(env.AI, "run").mockImplementation(fake.run as never);
    const client = new TestClient();
    await client.fetch("/api/conversations");
    const limit = Number(env.DAILY_TOKEN_BUDGET);
    // The person has spent all but 2 tokens of today's budget (wrangler.jsonc's DAILY_TOKEN_BUDGET).
    const userId = client.cookie!.split("=")[1].split(".")[0];
    await runInDurableObject(env.USER_STORE.get(env.USER_STORE.idFromName(userId)), (_store, state) => {
      state.storage.sql.exec(`INSERT INTO usage (day, tokens) VALUES (?, ?)`, utcDay(), limit - 10);
    });
    const status = async () => ((await (await client.fetch("/api/status")).json()) as { budget: { limit: number; used: number } }).budget;
    const ask = () => client.chat({ id: newConversationId(), messages: [userMessage("hi")] });

    const first = await ask(); // 8 more: 2 left
    expect(first.status).toBe(200);
    await readUiStream(first);
    expect(await status()).toMatchObject({ limit, used: limit - 2 });
    const second = await ask(); // over by 6, but it was allowed to start
    expect(second.status).toBe(200);
    await readUiStream(second);
    const refused = await ask();
    expect(refused.status).toBe(429);
    expect(((await refused.json()) as any).error).toMatchObject({ code: "budget_exhausted", message: ERRORS.budget_exhausted.message });
    expect(Number(refused.headers.get("retry-after"))).toBeGreaterThan(0);
    expect(fake.calls).toHaveLength(2);
  });
});
