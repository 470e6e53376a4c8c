import { createExecutionContext, waitOnExecutionContext } from "cloudflare:test";
import { env } from "cloudflare:workers";
import { afterEach, describe, expect, it, vi } from "vitest";
import app from "../index";
import { answerThrough } from "../test/answer-through";
import { textOf } from "../test/client";
import { legacyChunks, recordedRun, sseStream } from "../test/recorded-ai";
import { DEFAULT_CHAT_MODEL } from "../../contract/models";
import { resolveAiBackend } from "./backend";
import { createRestBinding } from "./rest-binding";

/** Cloudflare's AI Gateway address for Workers AI over REST: the model follows `workers-ai/` directly. */
const GATEWAY = "https://gateway.ai.cloudflare.com/v1/acct123/my-gateway/workers-ai";
const SDXL = "@cf/stabilityai/stable-diffusion-xl-base-1.0";
const FLUX = "@cf/black-forest-labs/flux-1-schnell";
const PNG = Uint8Array.from([
  0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a, 0, 0, 0, 13, 0x49, 0x48, 0x44, 0x52, 0, 0, 0, 1, 0, 0, 0, 1, 8, 2, 0, 0, 0,
]);

/** TEST DOUBLE of AI Gateway's Workers AI endpoint: records each request, answers as Workers AI does. */
function gatewayStandIn(answer: (request: Request) => Response) {
  const requests: Request[] = [];
  const fetcher = async (input: RequestInfo | URL, init?: RequestInit) => {
    const request = new Request(input, init);
    requests.push(request.clone());
    return answer(request);
  };
  return { fetcher: fetcher as typeof fetch, requests };
}

/** The AI Gateway headers a request carried, by name. */
const aigHeaders = (request: Request) => Object.fromEntries([...request.headers].filter(([name]) => name.startsWith("cf-aig-")));

async function postImage(body: object, env2: object) {
  const ctx = createExecutionContext();
  const response = await app.fetch(
    new Request("http://app.test/api/images", {
      method: "POST",
      headers: { "content-type": "application/json" },
      body: JSON.stringify(body),
    }),
    env2,
    ctx,
  );
  await waitOnExecutionContext(ctx);
  return response;
}

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

describe("AI Gateway over REST (WORKERS_AI_REST_URL at the gateway)", () => {
  it("calls {gateway}/workers-ai/{model}, not /run/, with the token and the uncached header", async () => {
    const gateway = gatewayStandIn(
      () => new Response(legacyChunks(["via gateway over REST"]).join(""), { headers: { "content-type": "text/event-stream" } }),
    );
    const backend = resolveAiBackend({ ...env, WORKERS_AI_REST_URL: `${GATEWAY}/`, WORKERS_AI_TOKEN: "tok_secret" }, gateway.fetcher);
    const { chunks } = await answerThrough(backend);
    expect(textOf(chunks)).toBe("via gateway over REST");
    const [request] = gateway.requests;
    expect(request.url).toBe(`${GATEWAY}/${DEFAULT_CHAT_MODEL}`);
    expect(request.headers.get("authorization")).toBe("Bearer tok_secret");
    expect(aigHeaders(request)).toEqual({ "cf-aig-skip-cache": "true" });
    expect(backend.label).toBe("Workers AI (REST)");
  });

  it("lets the gateway cache a seeded image for a week and never a seedless one, as the binding path does", async () => {
    const gateway = gatewayStandIn((request) =>
      request.url.endsWith(FLUX)
        ? Response.json({ result: { image: btoa(String.fromCharCode(...PNG)) }, success: true, errors: [], messages: [] })
        : new Response(PNG, { headers: { "content-type": "image/png" } }),
    );
    vi.spyOn(globalThis, "fetch").mockImplementation(gateway.fetcher);
    const restEnv = { ...env, WORKERS_AI_REST_URL: GATEWAY, WORKERS_AI_TOKEN: "tok" };
    expect((await postImage({ prompt: "a lighthouse", model: SDXL, seed: 42 }, restEnv)).status).toBe(200);
    expect((await postImage({ prompt: "a lighthouse", model: FLUX }, restEnv)).status).toBe(200);
    expect(gateway.requests.map((r) => r.url)).toEqual([`${GATEWAY}/${SDXL}`, `${GATEWAY}/${FLUX}`]);
    expect(gateway.requests.map(aigHeaders)).toEqual([{ "cf-aig-cache-ttl": "604800" }, { "cf-aig-skip-cache": "true" }]);
    // The cache hint is the app's own: it is no query parameter either.
    expect(gateway.requests.every((r) => new URL(r.url).search === "")).toBe(true);
  });

  it("sends every gateway option the binding takes as its cf-aig-* header, metadata as JSON", async () => {
    const gateway = gatewayStandIn(() => Response.json({ result: { response: "ok" }, success: true, errors: [], messages: [] }));
    const binding = createRestBinding({ baseUrl: GATEWAY, fetch: gateway.fetcher });
    const options = {
      gateway: {
        id: "my-gateway",
        cacheKey: "k1",
        cacheTtl: 60,
        skipCache: false,
        metadata: { feature: "chat", user: 7, beta: true, missing: null },
        collectLog: false,
        eventId: "ev-1",
        requestTimeoutMs: 5000,
        retries: { maxAttempts: 3 as const, retryDelayMs: 200, backoff: "exponential" as const },
      },
    };
    expect(await binding.run(DEFAULT_CHAT_MODEL, { prompt: "hi" }, options as never)).toEqual({ response: "ok" });
    expect(aigHeaders(gateway.requests[0])).toEqual({
      "cf-aig-cache-key": "k1",
      "cf-aig-cache-ttl": "60",
      "cf-aig-skip-cache": "false",
      "cf-aig-metadata": JSON.stringify({ feature: "chat", user: 7, beta: true, missing: null }),
      "cf-aig-collect-log": "false",
      "cf-aig-event-id": "ev-1",
      "cf-aig-request-timeout": "5000",
      "cf-aig-max-attempts": "3",
      "cf-aig-retry-delay": "200",
      "cf-aig-backoff": "exponential",
    });
    expect(gateway.requests[0].url).toBe(`${GATEWAY}/${DEFAULT_CHAT_MODEL}`);
  });

  it("keeps Workers AI's own REST address (…/ai/run/{model}) and sends no gateway headers there, even with AI_GATEWAY_ID", async () => {
    const base = "https://api.cloudflare.com/client/v4/accounts/acct123/ai";
    const server = gatewayStandIn(
      () => new Response(legacyChunks(["direct"]).join(""), { headers: { "content-type": "text/event-stream" } }),
    );
    const { chunks } = await answerThrough(
      resolveAiBackend({ ...env, WORKERS_AI_REST_URL: base, AI_GATEWAY_ID: "my-gateway" }, server.fetcher),
    );
    expect(textOf(chunks)).toBe("direct");
    expect(server.requests[0].url).toBe(`${base}/run/${DEFAULT_CHAT_MODEL}`);
    expect(aigHeaders(server.requests[0])).toEqual({});
  });
});
