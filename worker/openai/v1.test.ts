import { env } from "cloudflare:workers";
import { afterEach, describe, expect, it, vi } from "vitest";
import { TestClient } from "../test/client";
import { events, personWithKey, usageOf, v1 } from "../test/openai-client";
import { MODEL_SILENCE_LIMITS } from "../ai/stream-guard";
import {
  bindingError,
  heldSseStream,
  legacyChunks,
  licenceOnceThen,
  licencePromptError,
  openAiChunks,
  recordedRun,
  sseStream,
  type RecordedCall,
} from "../test/recorded-ai";
import { PNG, PNG_BASE64, byteStream } from "../test/recorded-images";
import { findChatModel } from "../../contract/models";
import { DEFAULT_IMAGE_MODEL, findImageModel, imageCost } from "../../contract/image-models";
import { findEmbeddingModel } from "../../contract/embedding-models";
import { tokenCost } from "../../contract/pricing";
import { effectiveSettings } from "../images/inputs";
import { promptTokens } from "./chat-inputs";
import { embeddingTokens } from "../spend/estimate";
import { chatCompletionSchema } from "./schemas";

const CHAT = "@cf/meta/llama-3.2-1b-instruct"; // no tools, no vision
const TOOLS = "@cf/meta/llama-3.3-70b-instruct-fp8-fast"; // tools, no vision
const VISION = "@cf/meta/llama-4-scout-17b-16e-instruct";
const LLAMA_VISION = "@cf/meta/llama-3.2-11b-vision-instruct"; // sees images, licence first, JSON mode
const EMBED = "@cf/baai/bge-small-en-v1.5";

function useAi(answer: (call: RecordedCall) => unknown | Promise<unknown>) {
  const fake = recordedRun(answer);
  vi.spyOn(env.AI, "run").mockImplementation(fake.run as never);
  return fake;
}
/** What a chat call costs at the catalog's prices (whole neurons, rounded up as the ledger counts). */
const neuronsOf = (model: string, input: number, output: number) => tokenCost(findChatModel(model)!.price, input, output);
const ask = (content = "hi", extra: Record<string, unknown> = {}) => ({ model: CHAT, messages: [{ role: "user", content }], ...extra });
/** A request's worst-case prompt tokens, as the Worker reserves them. */
const promptOf = (request: Record<string, unknown>) =>
  promptTokens(chatCompletionSchema.parse(request), findChatModel(String(request.model))!);

afterEach(() => vi.restoreAllMocks());

/** About `bytes` of tool definitions: 128 functions (the most a request may name) with large JSON schemas, as agent frameworks send. */
function largeTools(bytes: number) {
  const field = { type: "string", description: "The value of this field as the caller knows it; leave it out when it is unknown." };
  const fields = Math.ceil(bytes / 128 / (JSON.stringify(field).length + 12));
  return Array.from({ length: 128 }, (_, i) => ({
    type: "function",
    function: {
      name: `lookup_${i}`,
      description: "Looks a record up by any of its fields.",
      parameters: { type: "object", properties: Object.fromEntries(Array.from({ length: fields }, (_, j) => [`field_${j}`, field])) },
    },
  }));
}

describe("API keys", () => {
  it("creates a key shown once, lists it by name and prefix only, and a revoked key fails at once", async () => {
    const fake = useAi(() => sseStream(legacyChunks(["ok"])));
    const { client, key, id } = await personWithKey("my editor");
    expect(key).toMatch(/^sk-wai-[A-Za-z0-9_-]{43}$/);

    const listed = (await (await client.fetch("/api/keys")).json()) as any;
    expect(listed.keys).toEqual([{ id, name: "my editor", prefix: key.slice(0, 13), createdAt: expect.any(Number), lastUsedAt: null }]);
    expect(JSON.stringify(listed)).not.toContain(key);

    expect((await v1("/chat/completions", key, { body: ask() })).response.status).toBe(200);
    const used = (await (await client.fetch("/api/keys")).json()) as any;
    expect(used.keys[0].lastUsedAt).toEqual(expect.any(Number));

    expect((await client.fetch(`/api/keys/${id}`, { method: "DELETE" })).status).toBe(204);
    const refused = await v1("/chat/completions", key, { body: ask() });
    expect(refused.response.status).toBe(401);
    expect(refused.json.error).toMatchObject({ type: "invalid_request_error", code: "invalid_api_key", param: null });
    expect(fake.calls).toHaveLength(1);
    expect((await client.fetch(`/api/keys/${id}`, { method: "DELETE" })).status).toBe(404);
  });

  it("allows at most 10 keys per person", async () => {
    const client = new TestClient();
    for (let i = 0; i < 10; i++) expect((await client.json("/api/keys", "POST", { name: `k${i}` })).status).toBe(201);
    const refused = await client.json("/api/keys", "POST", { name: "one more" });
    expect(refused.status).toBe(409);
    expect(((await refused.json()) as any).error.code).toBe("too_many_keys");
    // Another person is not affected.
    expect((await new TestClient().json("/api/keys", "POST", { name: "mine" })).status).toBe(201);
  });

  it("refuses a nameless key and cross-site key creation", async () => {
    const client = new TestClient();
    expect((await client.json("/api/keys", "POST", { name: "  " })).status).toBe(400);
    const crossSite = await client.fetch("/api/keys", {
      method: "POST",
      headers: { origin: "https://evil.example", "content-type": "application/json" },
      body: JSON.stringify({ name: "x" }),
    });
    expect(crossSite.status).toBe(403);
  });

  it("keeps people apart: no one lists, revokes or spends through another's key", async () => {
    useAi(() => sseStream(legacyChunks(["a", "b"], { prompt_tokens: 7, completion_tokens: 2, total_tokens: 9 })));
    const alice = await personWithKey("alice");
    const bob = await personWithKey("bob");
    expect(((await (await bob.client.fetch("/api/keys")).json()) as any).keys.map((k: any) => k.id)).toEqual([bob.id]);
    expect((await bob.client.fetch(`/api/keys/${alice.id}`, { method: "DELETE" })).status).toBe(404);

    expect((await v1("/chat/completions", alice.key, { body: ask() })).response.status).toBe(200);
    expect(await usageOf(alice.userId)).toBe(neuronsOf(CHAT, 7, 2));
    expect(await usageOf(bob.userId)).toBe(0);
    // The usage is shown in the app: the owner's budget in /api/status counts it; the other's does not.
    expect(((await (await alice.client.fetch("/api/status")).json()) as any).budget.used).toBe(neuronsOf(CHAT, 7, 2));
    expect(((await (await bob.client.fetch("/api/status")).json()) as any).budget.used).toBe(0);
  });

  it("writes last used at most once a minute", async () => {
    const registry = (await import("../keys/store")).apiKeys(env);
    await registry.create("owner1", { id: "k1", name: "n", prefix: "sk-wai-abcdef", hash: "h1" }, 1_000);
    expect(await registry.authenticate("h1", 10_000)).toBe("owner1");
    expect(await registry.authenticate("h1", 69_999)).toBe("owner1");
    expect((await registry.list("owner1"))[0].lastUsedAt).toBe(10_000);
    expect(await registry.authenticate("h1", 70_000)).toBe("owner1");
    expect((await registry.list("owner1"))[0].lastUsedAt).toBe(70_000);
    expect(await registry.authenticate("nope", 70_000)).toBeNull();
    expect(await registry.moveAll("owner1", "owner2")).toBe(1);
    expect(await registry.authenticate("h1", 80_000)).toBe("owner2");
    expect(await registry.deleteAllOf("owner2")).toBe(1);
    expect(await registry.authenticate("h1", 90_000)).toBeNull();
  });
});

describe("/v1 errors in OpenAI's shape", () => {
  it("401 invalid_api_key without a key, with a wrong one, or with only the app's cookie", async () => {
    const fake = useAi(() => sseStream(legacyChunks(["x"])));
    const { client } = await personWithKey();
    for (const auth of [undefined, "Bearer sk-wai-" + "a".repeat(43), "Bearer nonsense", "Basic abc"]) {
      const { response, json } = await v1("/models", undefined, { headers: auth ? { authorization: auth } : {} });
      expect(response.status).toBe(401);
      expect(json.error).toMatchObject({ code: "invalid_api_key", type: "invalid_request_error" });
      expect(response.headers.get("set-cookie")).toBeNull();
    }
    const cookieOnly = await v1("/chat/completions", undefined, { body: ask(), headers: { cookie: client.cookie! } });
    expect(cookieOnly.response.status).toBe(401);
    expect(fake.calls).toHaveLength(0);
  });

  it("404 model_not_found for a model outside the catalog, for every endpoint", async () => {
    const fake = useAi(() => ({}));
    const { key } = await personWithKey();
    for (const [path, body] of [
      ["/chat/completions", ask("hi", { model: "gpt-4o" })],
      ["/embeddings", { model: CHAT, input: "x" }],
      ["/images/generations", { model: EMBED, prompt: "x" }],
    ] as const) {
      const { response, json } = await v1(path, key, { body });
      expect(response.status).toBe(404);
      expect(json.error).toMatchObject({ code: "model_not_found", param: "model", type: "invalid_request_error" });
    }
    expect((await v1("/models/gpt-4o", key)).response.status).toBe(404);
    expect(fake.calls).toHaveLength(0);
  });

  it("400 invalid_request_error naming the param", async () => {
    const fake = useAi(() => ({}));
    const { key } = await personWithKey();
    const cases: [string, unknown, string][] = [
      ["/chat/completions", ask("hi", { temperature: 3 }), "temperature"],
      ["/chat/completions", { model: CHAT, messages: [] }, "messages"],
      ["/chat/completions", ask("hi", { n: 2 }), "n"],
      ["/chat/completions", ask("hi", { tools: [{ type: "function", function: { name: "f" } }] }), "tools"],
      [
        "/chat/completions",
        {
          model: CHAT,
          messages: [{ role: "user", content: [{ type: "image_url", image_url: { url: `data:image/png;base64,${PNG_BASE64}` } }] }],
        },
        "messages.0.content",
      ],
      [
        "/chat/completions",
        {
          model: VISION,
          messages: [{ role: "user", content: [{ type: "image_url", image_url: { url: "https://example.com/cat.png" } }] }],
        },
        "messages.0.content.0.image_url.url",
      ],
      ["/embeddings", { model: EMBED, input: [1, 2, 3] }, "input"],
      ["/images/generations", { prompt: "cat", n: 5 }, "n"],
      ["/images/generations", { prompt: "cat", response_format: "url" }, "response_format"],
      ["/images/generations", { prompt: "cat", size: "512x512" }, "size"],
    ];
    for (const [path, body, param] of cases) {
      const { response, json } = await v1(path, key, { body });
      expect(response.status, `${path} ${JSON.stringify(body).slice(0, 100)}`).toBe(400);
      expect(json.error, path).toMatchObject({ type: "invalid_request_error", code: "invalid_request_error", param });
      expect(json.error.message.length).toBeGreaterThan(10);
    }
    const notJson = await v1("/chat/completions", key, { body: "{", headers: { "content-type": "application/json" } });
    expect(notJson.response.status).toBe(400);
    expect(fake.calls).toHaveLength(0);
  });

  it("429 insufficient_quota once the owner's daily budget is spent, before calling the model", async () => {
    const fake = useAi(() => sseStream(legacyChunks(["a"], { prompt_tokens: 5, completion_tokens: 7, total_tokens: 12 })));
    const { key, userId } = await personWithKey();
    // A budget that fits exactly one call's worst case (its prompt estimate plus max_tokens of output).
    const request = ask("hi", { max_tokens: 100 });
    const worst = neuronsOf(CHAT, promptTokens(chatCompletionSchema.parse(request), findChatModel(CHAT)!), 100);
    const small = { GUEST_DAILY_NEURONS: String(worst) };
    expect((await v1("/chat/completions", key, { body: request }, small)).response.status).toBe(200);
    expect(await usageOf(userId)).toBe(neuronsOf(CHAT, 5, 7));
    const refused = await v1("/chat/completions", key, { body: request }, small);
    expect(refused.response.status).toBe(429);
    expect(refused.json.error).toMatchObject({ code: "insufficient_quota", type: "insufficient_quota" });
    expect(Number(refused.response.headers.get("retry-after"))).toBeGreaterThan(0);
    expect(fake.calls).toHaveLength(1);
  });

  it("refuses a burst of 30 requests with max_tokens 1 and ~250k tokens of tools before any reaches the model", async () => {
    // The finding: only message text counted, so each of these reserved about a neuron and cost thousands when settled.
    const fake = useAi(() => ({ response: "ok", usage: { prompt_tokens: 250_000, completion_tokens: 1, total_tokens: 250_001 } }));
    const { key, userId } = await personWithKey();
    const tools = largeTools(1_000_000);
    expect(JSON.stringify(tools).length).toBeGreaterThan(1_000_000); // about 250k tokens at four bytes a token
    const body = { model: VISION, max_tokens: 1, messages: [{ role: "user", content: "Which tool fits?" }], tools };
    // Every request reaches the budget check: this is about the reservation, not the per-minute limit.
    const unlimited = { USER_RATE_LIMITER: { limit: async () => ({ success: true }) } } as unknown as Partial<Env>;
    const results = await Promise.all(Array.from({ length: 30 }, () => v1("/chat/completions", key, { body }, unlimited)));
    for (const { response, json } of results) {
      expect(response.status).toBe(429);
      expect(json.error).toMatchObject({ code: "insufficient_quota", type: "insufficient_quota" });
      expect(json.error.message).toMatch(/could cost up to [\d,]+ neurons, more than the 2,000 left in your budget/);
    }
    expect(fake.calls).toHaveLength(0);
    expect(await usageOf(userId)).toBe(0);
    // One request alone reserves its prompt up to the model's context window: more than a guest's day.
    expect(neuronsOf(VISION, promptOf(body), 1)).toBe(neuronsOf(VISION, findChatModel(VISION)!.contextWindow, 1));
  });

  it("reserves tool definitions, tool calls, tool results and images, not only the messages' text", async () => {
    const text = { model: VISION, max_tokens: 10, messages: [{ role: "user", content: "Weather in Paris?" }] };
    const call = {
      id: "call_1",
      type: "function",
      function: { name: "get_weather", arguments: JSON.stringify({ city: "Paris".repeat(400) }) },
    };
    const additions: Record<string, Record<string, unknown>> = {
      tools: { tools: largeTools(4_000) },
      "tool calls and results": {
        messages: [
          ...text.messages,
          { role: "assistant", content: null, tool_calls: [call] },
          { role: "tool", tool_call_id: "call_1", content: "Sunny. ".repeat(300) },
        ],
      },
      images: {
        messages: [
          {
            role: "user",
            content: [
              { type: "text", text: "Weather in Paris?" },
              ...Array.from({ length: 3 }, () => ({ type: "image_url", image_url: { url: `data:image/png;base64,${PNG_BASE64}` } })),
            ],
          },
        ],
      },
    };
    const fake = useAi(() => ({ response: "ok", usage: { prompt_tokens: 5, completion_tokens: 1, total_tokens: 6 } }));
    for (const [what, extra] of Object.entries(additions)) {
      const { key } = await personWithKey();
      // A budget that fits the text alone (and a little more): the addition must not fit in it.
      const budget = { GUEST_DAILY_NEURONS: String(neuronsOf(VISION, promptOf(text), 10) + 5) };
      const refused = await v1("/chat/completions", key, { body: { ...text, ...extra } }, budget);
      expect(refused.response.status, what).toBe(429);
      expect(refused.json.error.code, what).toBe("insufficient_quota");
      expect((await v1("/chat/completions", key, { body: text }, budget)).response.status, what).toBe(200);
    }
    expect(fake.calls).toHaveLength(Object.keys(additions).length);
  });

  it("429 rate_limit_exceeded with Retry-After past the owner's per-minute limit", async () => {
    useAi(() => ({ shape: [1, 2], data: [[0.5, 0.25]] }));
    const { key } = await personWithKey();
    let passed = 0;
    let refused: Awaited<ReturnType<typeof v1>> | undefined;
    // Windows align to the clock, so up to twice the limit may pass before the first refusal.
    while (!refused && passed <= 60) {
      const result = await v1("/embeddings", key, { body: { model: EMBED, input: "x" } });
      if (result.response.status === 429) refused = result;
      else expect(result.response.status).toBe(200), passed++;
    }
    // Creating the key took one of the owner's 30 (key creation is limited too).
    expect(passed + 1).toBeGreaterThanOrEqual(30);
    expect(passed + 1).toBeLessThanOrEqual(60);
    if (!refused) throw new Error("never limited");
    expect(refused.json.error).toMatchObject({ code: "rate_limit_exceeded", type: "requests" });
    expect(refused.response.headers.get("retry-after")).toBe("60");
  });

  it("maps Workers AI failures: capacity is retried at the seam, a context overflow is a 400", async () => {
    let calls = 0;
    useAi(() => {
      calls++;
      throw bindingError(5021, "context window exceeded");
    });
    const { key } = await personWithKey();
    const { response, json } = await v1("/chat/completions", key, { body: ask() });
    expect(response.status).toBe(400);
    expect(json.error.code).toBe("context_length_exceeded");
    expect(calls).toBe(1);
  });

  it("answers unknown /v1 routes with a 404 in OpenAI's shape", async () => {
    const { key } = await personWithKey();
    const { response, json } = await v1("/completions", key, { body: { prompt: "x" } });
    expect(response.status).toBe(404);
    expect(json.error.code).toBe("not_found");
  });
});

describe("CORS", () => {
  it("answers a browser tool's preflight from any origin, never with credentials, and sets no cookie", async () => {
    const preflight = await v1("/chat/completions", undefined, {
      method: "OPTIONS",
      headers: {
        origin: "https://tool.example",
        "access-control-request-method": "POST",
        "access-control-request-headers": "authorization, content-type, x-stainless-os",
      },
    });
    expect(preflight.response.status).toBe(204);
    expect(preflight.response.headers.get("access-control-allow-origin")).toBe("*");
    expect(preflight.response.headers.get("access-control-allow-headers")).toContain("authorization");
    expect(preflight.response.headers.get("access-control-allow-credentials")).toBeNull();

    // A refusal is readable cross-origin too, so a browser tool can show why.
    const refused = await v1("/models", "sk-wai-wrong", { headers: { origin: "https://tool.example" } });
    expect(refused.response.status).toBe(401);
    expect(refused.response.headers.get("access-control-allow-origin")).toBe("*");

    useAi(() => sseStream(legacyChunks(["ok"])));
    const { key } = await personWithKey();
    const call = await v1("/chat/completions", key, { body: ask(), headers: { origin: "https://tool.example" } });
    expect(call.response.status).toBe(200);
    expect(call.response.headers.get("access-control-allow-origin")).toBe("*");
    expect(call.response.headers.get("set-cookie")).toBeNull();
  });
});

describe("POST /v1/chat/completions", () => {
  it("lists the catalog: chat, embedding and image models", async () => {
    const { key } = await personWithKey();
    const { json } = await v1("/models", key);
    const ids = json.data.map((m: any) => m.id);
    expect(json.object).toBe("list");
    expect(ids).toEqual(expect.arrayContaining([CHAT, EMBED, "@cf/black-forest-labs/flux-1-schnell"]));
    expect(json.data[0]).toMatchObject({ object: "model", owned_by: expect.any(String), created: expect.any(Number) });
  });

  it("answers a chat.completion with usage when not streaming, sending OpenAI's parameters on", async () => {
    const fake = useAi(() => ({ response: "Hello there", usage: { prompt_tokens: 4, completion_tokens: 2, total_tokens: 6 } }));
    const { key, userId } = await personWithKey();
    const { response, json } = await v1("/chat/completions", key, {
      body: {
        model: CHAT,
        messages: [
          { role: "developer", content: "Be brief" },
          { role: "user", content: [{ type: "text", text: "Hi" }] },
        ],
        temperature: 0.2,
        top_p: 0.9,
        max_completion_tokens: 50,
        stop: ["\n\n"],
        seed: 7,
      },
    });
    expect(response.status).toBe(200);
    expect(json).toMatchObject({
      object: "chat.completion",
      model: CHAT,
      choices: [{ index: 0, message: { role: "assistant", content: "Hello there" }, finish_reason: "stop" }],
      usage: { prompt_tokens: 4, completion_tokens: 2, total_tokens: 6 },
    });
    expect(fake.calls[0].inputs).toEqual({
      messages: [
        { role: "system", content: "Be brief" },
        { role: "user", content: "Hi" },
      ],
      temperature: 0.2,
      top_p: 0.9,
      max_tokens: 50,
      stop: ["\n\n"],
      seed: 7,
      stream: false,
    });
    expect(await usageOf(userId)).toBe(neuronsOf(CHAT, 4, 2));
  });

  it("streams chat.completion.chunk events from the legacy format, with a usage chunk and [DONE]", async () => {
    useAi(() => sseStream(legacyChunks(["Hel", "lo", " world"], { prompt_tokens: 5, completion_tokens: 3, total_tokens: 8 })));
    const { key, userId } = await personWithKey();
    const { response, text } = await v1("/chat/completions", key, {
      body: ask("hi", { stream: true, stream_options: { include_usage: true } }),
    });
    expect(response.headers.get("content-type")).toContain("text/event-stream");
    expect(text.endsWith("data: [DONE]\n\n")).toBe(true);
    const chunks = events(text);
    expect(chunks.every((c) => c.object === "chat.completion.chunk" && c.model === CHAT && c.id === chunks[0].id)).toBe(true);
    expect(chunks[0].choices[0].delta).toEqual({ role: "assistant", content: "Hel" });
    expect(chunks.flatMap((c) => c.choices.map((ch: any) => ch.delta.content ?? "")).join("")).toBe("Hello world");
    expect(chunks.at(-2).choices[0].finish_reason).toBe("stop");
    expect(chunks.at(-1)).toMatchObject({ choices: [], usage: { prompt_tokens: 5, completion_tokens: 3, total_tokens: 8 } });
    expect(await usageOf(userId)).toBe(neuronsOf(CHAT, 5, 3));
  });

  it("reassembles events split across reads, and skips lines that are not JSON", async () => {
    const whole = legacyChunks(["é𝄞x", "y"])
      .join("")
      .replace('data: {"response":"y', ': keep-alive\n\ndata: {not json\n\ndata: {"response":"y');
    const bytes = new TextEncoder().encode(whole);
    // Cut every 7 bytes: through JSON, through "data:", through a multi-byte character.
    const pieces = Array.from({ length: Math.ceil(bytes.length / 7) }, (_, i) => bytes.slice(i * 7, i * 7 + 7));
    useAi(() => new ReadableStream({ start: (controller) => (pieces.forEach((p) => controller.enqueue(p)), controller.close()) }));
    const { key } = await personWithKey();
    const { text } = await v1("/chat/completions", key, { body: ask("hi", { stream: true }) });
    expect(
      events(text)
        .map((c) => c.choices[0].delta.content ?? "")
        .join(""),
    ).toBe("é𝄞xy");
    expect(text.endsWith("data: [DONE]\n\n")).toBe(true);
  });

  it("streams the OpenAI-style format too, and sends no usage chunk unless asked", async () => {
    useAi(() => sseStream(openAiChunks(["A", "B"])));
    const { key } = await personWithKey();
    const { text } = await v1("/chat/completions", key, { body: ask("hi", { stream: true }) });
    const chunks = events(text);
    expect(chunks.map((c) => c.choices[0]?.delta.content ?? null)).toEqual(["A", "B", null]);
    expect(chunks.some((c) => c.usage)).toBe(false);
  });

  it("ends a stream that breaks with an OpenAI error event and no [DONE], and still counts what streamed", async () => {
    useAi(() => sseStream(legacyChunks(["aaaa", "bbbb", "cccc", "dddd"]), { failAfter: 2 }));
    const { key, userId } = await personWithKey();
    const { response, text } = await v1("/chat/completions", key, { body: ask("12345678", { stream: true }) });
    expect(response.status).toBe(200);
    expect(text).not.toContain("[DONE]");
    const last = events(text).at(-1);
    expect(last.error).toMatchObject({ type: "server_error", code: "upstream" });
    // No usage came: counted at its most, the prompt as reserved and three tokens for each of the 8 streamed characters.
    expect(await usageOf(userId)).toBe(neuronsOf(CHAT, promptOf(ask("12345678")), 3 * 8));
  });

  it("reads a Responses-shaped whole answer (gpt-oss), streamed or not", async () => {
    const whole = {
      output: [
        { type: "reasoning", content: [{ type: "reasoning_text", text: "thinking" }] },
        { type: "message", content: [{ type: "output_text", text: "Done." }] },
      ],
      usage: { prompt_tokens: 3, completion_tokens: 2, total_tokens: 5 },
    };
    useAi(() => whole);
    const { key } = await personWithKey();
    const body = { model: "@cf/openai/gpt-oss-20b", messages: [{ role: "user", content: "hi" }] };
    const plain = await v1("/chat/completions", key, { body });
    expect(plain.json.choices[0].message).toMatchObject({ content: "Done.", reasoning_content: "thinking" });
    const streamed = await v1("/chat/completions", key, { body: { ...body, stream: true, stream_options: { include_usage: true } } });
    const chunks = events(streamed.text);
    expect(chunks.map((c) => c.choices[0]?.delta.content ?? "").join("")).toBe("Done.");
    expect(chunks.at(-1).usage.total_tokens).toBe(5);
  });

  it("counts the prompt of a non-streamed answer whose stream broke, and answers 502 in OpenAI's shape", async () => {
    useAi(() => sseStream(legacyChunks(["aaaa", "bbbb"]), { failAfter: 1 }));
    const { key, userId } = await personWithKey();
    const { response, json } = await v1("/chat/completions", key, { body: ask("12345678") });
    expect(response.status).toBe(502);
    expect(json.error).toMatchObject({ type: "server_error", code: "upstream" });
    expect(await usageOf(userId)).toBe(neuronsOf(CHAT, promptOf(ask("12345678")), 0));
  });

  it("gives up on an upstream that goes silent mid-answer: a timeout error event, and the upstream is let go", async () => {
    const saved = { ...MODEL_SILENCE_LIMITS };
    MODEL_SILENCE_LIMITS.betweenOutputMs = 200;
    try {
      const held = heldSseStream(legacyChunks(["aaaa", "bbbb", "cccc"]), 1);
      // Sends "aaaa", then nothing until released; records whether the Worker let go of it.
      let cancelled = false;
      const reader = held.stream.getReader();
      useAi(
        () =>
          new ReadableStream({
            pull: async (c) => {
              const r = await reader.read();
              if (r.done) c.close();
              else c.enqueue(r.value);
            },
            cancel: () => void (cancelled = true),
          }),
      );
      const { key } = await personWithKey();
      const { text } = await v1("/chat/completions", key, { body: ask("hi", { stream: true }) });
      const out = events(text);
      expect(out[0].choices[0].delta.content).toBe("aaaa");
      expect(out.at(-1).error).toMatchObject({ code: "timeout", type: "server_error" });
      expect(text).not.toContain("[DONE]");
      expect(cancelled).toBe(true);
      held.release();
    } finally {
      Object.assign(MODEL_SILENCE_LIMITS, saved);
    }
  });

  it("passes tools through to a model with function calling and returns its calls in OpenAI's shape", async () => {
    const fake = useAi(() => ({
      response: null,
      tool_calls: [{ name: "get_weather", arguments: { city: "Paris" } }],
      usage: { prompt_tokens: 20, completion_tokens: 5, total_tokens: 25 },
    }));
    const { key } = await personWithKey();
    const tools = [
      {
        type: "function",
        function: { name: "get_weather", description: "Weather", parameters: { type: "object", properties: { city: { type: "string" } } } },
      },
    ];
    const { json } = await v1("/chat/completions", key, {
      body: { model: TOOLS, messages: [{ role: "user", content: "Weather in Paris?" }], tools, tool_choice: "auto" },
    });
    expect(fake.calls[0].inputs).toMatchObject({ tools, tool_choice: "auto" });
    expect(json.choices[0].finish_reason).toBe("tool_calls");
    expect(json.choices[0].message.content).toBeNull();
    expect(json.choices[0].message.tool_calls).toEqual([
      { id: expect.stringMatching(/^call_/), type: "function", function: { name: "get_weather", arguments: '{"city":"Paris"}' } },
    ]);
  });

  it("streams tool calls as deltas and finishes with tool_calls", async () => {
    const chunks = [
      `data: ${JSON.stringify({ choices: [{ delta: { tool_calls: [{ index: 0, id: "call_1", type: "function", function: { name: "f", arguments: "" } }] } }] })}\n\n`,
      `data: ${JSON.stringify({ choices: [{ delta: { tool_calls: [{ index: 0, function: { arguments: '{"a":1}' } }] } }] })}\n\n`,
      `data: ${JSON.stringify({ choices: [{ delta: {}, finish_reason: "tool_calls" }] })}\n\n`,
      "data: [DONE]\n\n",
    ];
    useAi(() => sseStream(chunks));
    const { key } = await personWithKey();
    const { text } = await v1("/chat/completions", key, {
      body: {
        model: TOOLS,
        messages: [{ role: "user", content: "x" }],
        tools: [{ type: "function", function: { name: "f" } }],
        stream: true,
      },
    });
    const out = events(text);
    expect(out[0].choices[0].delta.tool_calls[0]).toMatchObject({ index: 0, id: "call_1", function: { name: "f" } });
    expect(out[1].choices[0].delta.tool_calls[0].function.arguments).toBe('{"a":1}');
    expect(out.at(-1).choices[0].finish_reason).toBe("tool_calls");
  });

  it("sends image parts to a vision model as data URLs", async () => {
    const fake = useAi(() => ({ response: "A grey square." }));
    const { key } = await personWithKey();
    const content = [
      { type: "text", text: "What is this?" },
      { type: "image_url", image_url: { url: `data:image/png;base64,${PNG_BASE64}` } },
    ];
    const { response } = await v1("/chat/completions", key, { body: { model: VISION, messages: [{ role: "user", content }] } });
    expect(response.status).toBe(200);
    expect((fake.calls[0].inputs.messages as any)[0].content).toEqual(content);
  });
});

describe("POST /v1/chat/completions with Llama 3.2 Vision (licence first)", () => {
  const photo = [
    { type: "text", text: "What is this?" },
    { type: "image_url", image_url: { url: `data:image/png;base64,${PNG_BASE64}` } },
  ];

  it("agrees to the licence once on 5016, as the pages do, then answers", async () => {
    const fake = useAi(licenceOnceThen(["A grey ", "square."]));
    const { key } = await personWithKey();
    const { response, json } = await v1("/chat/completions", key, {
      body: { model: LLAMA_VISION, messages: [{ role: "user", content: photo }] },
    });
    expect(response.status).toBe(200);
    expect(json.choices[0].message.content).toBe("A grey square.");
    expect(fake.calls.map((c) => c.model)).toEqual([LLAMA_VISION, LLAMA_VISION, LLAMA_VISION]);
    expect(fake.calls[1].inputs).toEqual({ prompt: "agree" });
    expect(fake.calls[2].inputs).toEqual(fake.calls[0].inputs);

    // Accepted for the account: the next request, streamed this time, is answered at once.
    const again = await v1("/chat/completions", key, {
      body: { model: LLAMA_VISION, messages: [{ role: "user", content: "Hi" }], stream: true },
    });
    expect(again.response.status).toBe(200);
    expect(
      events(again.text)
        .map((c) => c.choices[0]?.delta?.content ?? "")
        .join(""),
    ).toBe("A grey square.");
    expect(fake.calls.filter((c) => c.inputs.prompt === "agree")).toHaveLength(1);
  });

  it("agrees only once: a licence that cannot be accepted is a 403, not a loop; other models never agree", async () => {
    const fake = useAi((call) => {
      if (call.inputs.prompt === "agree") return { response: "Thank you for agreeing." };
      throw licencePromptError();
    });
    const { key } = await personWithKey();
    const refused = await v1("/chat/completions", key, { body: { model: LLAMA_VISION, messages: [{ role: "user", content: "Hi" }] } });
    expect(refused.response.status).toBe(403);
    expect(fake.calls.map((c) => c.inputs.prompt ?? "ask")).toEqual(["ask", "agree", "ask"]);

    fake.calls.length = 0;
    expect((await v1("/chat/completions", key, { body: ask() })).response.status).toBe(403);
    expect(fake.calls.filter((c) => c.inputs.prompt === "agree")).toHaveLength(0);
  });
});

describe("POST /v1/chat/completions with response_format (Workers AI JSON mode)", () => {
  const country = {
    type: "object",
    properties: { name: { type: "string" }, capital: { type: "string" } },
    required: ["name", "capital"],
  };
  const structured = { type: "json_schema", json_schema: { name: "country", schema: country, strict: true } };

  it("passes a json_schema on to a model with JSON mode as Workers AI takes it, and answers the JSON as text", async () => {
    // Workers AI answers JSON mode with the object itself under `response`.
    const fake = useAi(() => ({
      response: { name: "India", capital: "New Delhi" },
      usage: { prompt_tokens: 9, completion_tokens: 12, total_tokens: 21 },
    }));
    const { key } = await personWithKey();
    const body = { model: TOOLS, messages: [{ role: "user", content: "Tell me about India." }], response_format: structured };
    const { response, json } = await v1("/chat/completions", key, { body });
    expect(response.status).toBe(200);
    expect(fake.calls[0].inputs).toMatchObject({ response_format: { type: "json_schema", json_schema: country }, stream: false });
    expect(JSON.parse(json.choices[0].message.content)).toEqual({ name: "India", capital: "New Delhi" });
    // The schema is sent to the model, so it is reserved as input too.
    expect(promptOf(body)).toBeGreaterThan(promptOf({ ...body, response_format: undefined }));
  });

  it("sends json_object unstreamed (JSON mode does not stream) and gives a streaming client the whole answer as chunks", async () => {
    const fake = useAi(() => ({ response: { ok: true } }));
    const { key } = await personWithKey();
    const { response, text } = await v1("/chat/completions", key, {
      body: {
        model: LLAMA_VISION,
        messages: [{ role: "user", content: "Answer in JSON" }],
        response_format: { type: "json_object" },
        stream: true,
      },
    });
    expect(response.status).toBe(200);
    expect(fake.calls.at(-1)!.inputs).toMatchObject({ response_format: { type: "json_object" }, stream: false });
    expect(text.endsWith("data: [DONE]\n\n")).toBe(true);
    expect(
      JSON.parse(
        events(text)
          .map((c) => c.choices[0]?.delta?.content ?? "")
          .join(""),
      ),
    ).toEqual({ ok: true });
  });

  it("refuses JSON mode with a 400 naming response_format for a model without it, before calling the model", async () => {
    const fake = useAi(() => ({ response: "prose, not JSON" }));
    const { key } = await personWithKey();
    for (const format of [{ type: "json_object" }, structured]) {
      const { response, json } = await v1("/chat/completions", key, { body: ask("hi", { response_format: format }) });
      expect(response.status).toBe(400);
      expect(json.error).toMatchObject({ type: "invalid_request_error", code: "invalid_request_error", param: "response_format" });
      expect(json.error.message).toContain(`${CHAT} does not support JSON mode`);
      expect(json.error.message).toContain(TOOLS);
    }
    expect(fake.calls).toHaveLength(0);

    // Plain text is every model's default: asked for, it is simply not sent on.
    expect((await v1("/chat/completions", key, { body: ask("hi", { response_format: { type: "text" } }) })).response.status).toBe(200);
    expect(fake.calls[0].inputs).not.toHaveProperty("response_format");
  });
});

describe("POST /v1/embeddings and /v1/images/generations", () => {
  it("embeds a string or an array, as floats or OpenAI's base64", async () => {
    const fake = useAi((call) => ({
      shape: [(call.inputs.text as string[]).length, 2],
      data: (call.inputs.text as string[]).map((_, i) => [i + 0.5, -1]),
    }));
    const { key, userId } = await personWithKey();
    const one = await v1("/embeddings", key, { body: { model: EMBED, input: "hello world!" } });
    expect(fake.calls[0].inputs).toEqual({ text: ["hello world!"] });
    expect(one.json).toMatchObject({
      object: "list",
      model: EMBED,
      data: [{ object: "embedding", index: 0, embedding: [0.5, -1] }],
      usage: { prompt_tokens: embeddingTokens(["hello world!"]), total_tokens: embeddingTokens(["hello world!"]) },
    });
    const two = await v1("/embeddings", key, { body: { model: EMBED, input: ["a", "b"], encoding_format: "base64" } });
    const decoded = two.json.data.map((d: any) => [...new Float32Array(Uint8Array.from(atob(d.embedding), (c) => c.charCodeAt(0)).buffer)]);
    expect(decoded).toEqual([
      [0.5, -1],
      [1.5, -1],
    ]);
    // At most a token a byte, with the encoder's own tokens: no usage is reported.
    expect(await usageOf(userId)).toBe(
      tokenCost(findEmbeddingModel(EMBED)!.price, embeddingTokens(["hello world!"]), 0) +
        tokenCost(findEmbeddingModel(EMBED)!.price, embeddingTokens(["a", "b"]), 0),
    );
  });

  it("makes n images as b64_json, from JSON and binary model answers alike", async () => {
    const fake = useAi((call) => (call.model.includes("stable-diffusion") ? byteStream(PNG) : { image: PNG_BASE64 }));
    const { key, userId } = await personWithKey();
    const flux = await v1("/images/generations", key, { body: { prompt: "a cat", n: 2, response_format: "b64_json" } });
    expect(flux.response.status).toBe(200);
    expect(flux.json.data).toEqual([{ b64_json: PNG_BASE64 }, { b64_json: PNG_BASE64 }]);
    const sdxl = await v1("/images/generations", key, {
      body: { prompt: "a dog", model: "@cf/stabilityai/stable-diffusion-xl-base-1.0", size: "512x768" },
    });
    expect(sdxl.json.data).toEqual([{ b64_json: PNG_BASE64 }]);
    expect(fake.calls.at(-1)!.inputs).toMatchObject({ prompt: "a dog", width: 512, height: 768 });
    const fluxModel = findImageModel(DEFAULT_IMAGE_MODEL)!;
    const sdxlModel = findImageModel("@cf/stabilityai/stable-diffusion-xl-base-1.0")!;
    expect(await usageOf(userId)).toBe(
      2 * imageCost(fluxModel, effectiveSettings(fluxModel, {})) +
        imageCost(sdxlModel, effectiveSettings(sdxlModel, { width: 512, height: 768 })),
    );
  });
});

describe("fuzz regressions", () => {
  it("a model id with a broken percent escape is not found, not a 500", async () => {
    const { key } = await personWithKey();
    const { response, json } = await v1("/models/~1%3Ek%7C%228v%1", key);
    expect(response.status).toBe(404);
    expect(json.error.code).toBe("model_not_found");
  });
});
