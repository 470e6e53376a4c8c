import { createExecutionContext, waitOnExecutionContext } from "cloudflare:test";
import { env } from "cloudflare:workers";
import { afterEach, describe, expect, it, vi } from "vitest";
import { ERRORS } from "../../contract/errors";
import app from "../index";
import { newConversationId, readUiStream, TestClient, userMessage } from "../test/client";
import { legacyChunks, recordedRun, sseStream } from "../test/recorded-ai";

afterEach(() => vi.restoreAllMocks());

describe("rate limits", () => {
  it("refuses a user's 31st generating request in a minute with 429, Retry-After and a readable message", async () => {
    const spy = vi.spyOn(env.AI, "run");
    const client = new TestClient();
    const statuses: number[] = [];
    // Invalid bodies: counted by the limiter (it runs first) without calling a model.
    for (let i = 0; i < 31; i++) statuses.push((await client.json("/api/chat", "POST", { nope: true })).status);
    expect(statuses.slice(0, 30).every((s) => s === 400)).toBe(true);
    const refused = await client.json("/api/chat", "POST", { nope: true });
    expect(refused.status).toBe(429);
    expect(refused.headers.get("retry-after")).toBe("60");
    expect(((await refused.json()) as any).error).toMatchObject({ code: "rate_limited", retryAfter: 60, message: "Too many requests. Try again in 60 seconds." });
    expect(spy).not.toHaveBeenCalled();
    // Another user is not affected, and reading is never limited.
    expect((await new TestClient().json("/api/chat", "POST", { nope: true })).status).toBe(400);
    expect((await client.fetch("/api/conversations")).status).toBe(200);
  });

  it("limits per client IP across users when Cloudflare names the IP", async () => {
    const statuses: number[] = [];
    for (let i = 0; i < 301; i++) {
      const response = await new TestClient().fetch("/api/images", { method: "POST", headers: { "content-type": "application/json", "cf-connecting-ip": "203.0.113.9" }, body: "{}" });
      statuses.push(response.status);
    }
    expect(statuses.filter((s) => s === 429)).toHaveLength(1);
    expect(statuses.at(-1)).toBe(429);
  });
});

describe("daily budget", () => {
  it("counts tokens of saved answers and refuses before calling the model once the budget is spent", async () => {
    const fake = recordedRun(() => sseStream(legacyChunks(["a", "b", "c"], { prompt_tokens: 5, completion_tokens: 3, total_tokens: 8 })));
    vi.spyOn(env.AI, "run").mockImplementation(fake.run as never);
    const client = new TestClient();
    await client.fetch("/api/conversations");
    const withBudget = { ...env, DAILY_TOKEN_BUDGET: "10" };
    const call = async (path: string, init: RequestInit) => {
      const ctx = createExecutionContext();
      const response = await app.fetch(new Request(`http://app.test${path}`, { ...init, headers: { cookie: client.cookie!, "content-type": "application/json", ...init.headers } }), withBudget, ctx);
      const body = response.headers.get("content-type")?.includes("event-stream") ? await readUiStream(response) : await response.json();
      await waitOnExecutionContext(ctx);
      return { response, body: body as any };
    };
    const ask = () => call("/api/chat", { method: "POST", body: JSON.stringify({ id: newConversationId(), messages: [userMessage("hi")] }) });

    expect((await ask()).response.status).toBe(200); // 8 of 10 used
    expect((await call("/api/status", {})).body.budget).toMatchObject({ limit: 10, used: 8 });
    expect((await ask()).response.status).toBe(200); // 16: over, but it was allowed to start
    const refused = await ask();
    expect(refused.response.status).toBe(429);
    expect(refused.body.error).toMatchObject({ code: "budget_exhausted", message: ERRORS.budget_exhausted.message });
    expect(Number(refused.response.headers.get("retry-after"))).toBeGreaterThan(0);
    expect(fake.calls).toHaveLength(2);
  });
});
