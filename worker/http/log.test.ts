import { createExecutionContext, waitOnExecutionContext } from "cloudflare:test";
import { env } from "cloudflare:workers";
import { afterEach, expect, it, vi } from "vitest";
import app from "../index";
import { newConversationId, readUiStream, userMessage } from "../test/client";

afterEach(() => vi.restoreAllMocks());

it("logs structured lines with a request id, and neither the prompt nor the token", async () => {
  const lines: string[] = [];
  vi.spyOn(console, "log").mockImplementation((...args) => void lines.push(args.join(" ")));
  vi.spyOn(console, "error").mockImplementation((...args) => void lines.push(args.join(" ")));
  vi.spyOn(console, "warn").mockImplementation((...args) => void lines.push(args.join(" ")));
  // The upstream fails, so the error path (the one that logs) runs with the prompt in flight.
  vi.spyOn(globalThis, "fetch").mockResolvedValue(Response.json({ result: null, success: false, errors: [{ code: 5004, message: "bad input" }] }, { status: 400 }));
  const ctx = createExecutionContext();
  const response = await app.fetch(
    new Request("http://app.test/api/chat", {
      method: "POST",
      headers: { "content-type": "application/json" },
      body: JSON.stringify({ id: newConversationId(), messages: [userMessage("my bank PIN is 4921-canary")] }),
    }),
    { ...env, WORKERS_AI_REST_URL: "https://api.cloudflare.com/client/v4/accounts/acct-canary/ai", WORKERS_AI_TOKEN: "tok_canary_secret" },
    ctx,
  );
  await readUiStream(response);
  await waitOnExecutionContext(ctx);

  expect(lines.length).toBeGreaterThan(0);
  for (const line of lines) {
    const entry = JSON.parse(line) as { event: string; requestId: string };
    expect(entry.event).toBeTruthy();
    expect(entry.requestId).toBe(response.headers.get("x-request-id"));
    expect(line).not.toContain("4921-canary");
    expect(line).not.toContain("tok_canary_secret");
  }
});
