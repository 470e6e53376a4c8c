import { env } from "cloudflare:workers";
import { afterEach, expect, it, vi } from "vitest";
import { newConversationId, readUiStream, TestClient, userMessage } from "./test/client";
import { bindingError } from "./test/recorded-ai";

afterEach(() => vi.restoreAllMocks());

it("logs structured lines with the asking request's id, even from the Durable Object that writes the answer, and never the prompt", async () => {
  const lines: string[] = [];
  vi.spyOn(console, "log").mockImplementation((...args) => void lines.push(args.join(" ")));
  vi.spyOn(console, "error").mockImplementation((...args) => void lines.push(args.join(" ")));
  vi.spyOn(console, "warn").mockImplementation((...args) => void lines.push(args.join(" ")));
  // The model fails, so the error path (the one that logs) runs with the prompt in flight.
  vi.spyOn(env.AI, "run").mockImplementation((async () => {
    throw bindingError(5004, "bad input");
  }) as never);
  const client = new TestClient();
  const response = await client.chat({ id: newConversationId(), messages: [userMessage("my bank PIN is 4921-canary")] });
  await readUiStream(response);

  expect(lines.some((line) => line.includes('"answer.error"'))).toBe(true);
  for (const line of lines) {
    const entry = JSON.parse(line) as { event: string; requestId: string };
    expect(entry.event).toBeTruthy();
    expect(entry.requestId).toBe(response.headers.get("x-request-id"));
    expect(line).not.toContain("4921-canary");
  }
});
