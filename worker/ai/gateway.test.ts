import { createExecutionContext, waitOnExecutionContext } from "cloudflare:test";
import { env } from "cloudflare:workers";
import { afterEach, expect, it, vi } from "vitest";
import app from "../index";
import { newConversationId, readUiStream, textOf, userMessage } from "../test/client";
import { legacyChunks, recordedRun, sseStream } from "../test/recorded-ai";

afterEach(() => vi.restoreAllMocks());

it("sends binding calls through AI Gateway when AI_GATEWAY_ID is set, uncached", async () => {
  const fake = recordedRun(() => sseStream(legacyChunks(["via gateway"])));
  vi.spyOn(env.AI, "run").mockImplementation(fake.run as never);
  const ctx = createExecutionContext();
  const response = await app.fetch(
    new Request("http://app.test/api/chat", { method: "POST", headers: { "content-type": "application/json" }, body: JSON.stringify({ id: newConversationId(), messages: [userMessage("hi")] }) }),
    { ...env, AI_GATEWAY_ID: "my-gateway" },
    ctx,
  );
  expect(textOf(await readUiStream(response))).toBe("via gateway");
  await waitOnExecutionContext(ctx);
  expect(fake.calls[0].options?.gateway).toEqual({ id: "my-gateway", skipCache: true });
});
