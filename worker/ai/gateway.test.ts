import { createExecutionContext, waitOnExecutionContext } from "cloudflare:test";
import { env } from "cloudflare:workers";
import { afterEach, expect, it, vi } from "vitest";
import app from "../index";
import { answerThrough } from "../test/answer-through";
import { textOf } from "../test/client";
import { legacyChunks, recordedRun, sseStream } from "../test/recorded-ai";
import { resolveAiBackend } from "./backend";

afterEach(() => vi.restoreAllMocks());

it("sends binding calls through AI Gateway when AI_GATEWAY_ID is set, uncached", async () => {
  const fake = recordedRun(() => sseStream(legacyChunks(["via gateway"])));
  vi.spyOn(env.AI, "run").mockImplementation(fake.run as never);
  const { chunks } = await answerThrough(resolveAiBackend({ ...env, AI_GATEWAY_ID: "my-gateway" }));
  expect(textOf(chunks)).toBe("via gateway");
  expect(fake.calls[0].options?.gateway).toEqual({ id: "my-gateway", skipCache: true });
});

it("lets AI Gateway cache an image made with a seed, and never one without", async () => {
  const png = Uint8Array.from([
    0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a, 0, 0, 0, 13, 0x49, 0x48, 0x44, 0x52, 0, 0, 0, 1, 0, 0, 0, 1, 8, 2, 0, 0, 0,
  ]);
  const fake = recordedRun((call) => (call.model.includes("flux") ? { image: btoa(String.fromCharCode(...png)) } : new Response(png).body));
  vi.spyOn(env.AI, "run").mockImplementation(fake.run as never);
  const post = async (body: object) => {
    const ctx = createExecutionContext();
    const response = await app.fetch(
      new Request("http://app.test/api/images", {
        method: "POST",
        headers: { "content-type": "application/json" },
        body: JSON.stringify(body),
      }),
      { ...env, AI_GATEWAY_ID: "my-gateway" },
      ctx,
    );
    await waitOnExecutionContext(ctx);
    return response;
  };
  await post({ prompt: "a lighthouse", model: "@cf/stabilityai/stable-diffusion-xl-base-1.0", seed: 42 });
  await post({ prompt: "a lighthouse", model: "@cf/black-forest-labs/flux-1-schnell" });
  expect(fake.calls.map((c) => c.options?.gateway)).toEqual([
    { id: "my-gateway", cacheTtl: 604800 },
    { id: "my-gateway", skipCache: true },
  ]);
  expect(fake.calls.every((c) => !("deterministic" in (c.options ?? {})))).toBe(true);
});
