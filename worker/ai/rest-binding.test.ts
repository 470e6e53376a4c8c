import { env } from "cloudflare:workers";
import { afterEach, describe, expect, it, vi } from "vitest";
import { answerThrough } from "../test/answer-through";
import { textOf } from "../test/client";
import { legacyChunks, openAiChunks } from "../test/recorded-ai";
import { createRestBinding, WorkersAiRunError } from "./rest-binding";
import { resolveAiBackend } from "./backend";

const BASE = "https://api.cloudflare.com/client/v4/accounts/acct123/ai";

/** TEST DOUBLE of the Workers AI REST API: records requests, answers what the test says. */
function restServer(answer: (request: Request) => Response) {
  const requests: Request[] = [];
  const fetcher = vi.fn<typeof fetch>(async (input, init) => {
    const request = new Request(input, init);
    requests.push(request.clone());
    return answer(request);
  });
  return { fetcher, requests };
}

const sse = (chunks: string[], headers: Record<string, string> = {}) =>
  new Response(chunks.join(""), { headers: { "content-type": "text/event-stream", ...headers } });

afterEach(() => vi.restoreAllMocks());

describe("REST binding (the binding's run() over Cloudflare's REST contract)", () => {
  it("POSTs JSON to {base}/run/{model} with the bearer token and returns the SSE body for streams", async () => {
    const server = restServer(() => sse(legacyChunks(["Hi"])));
    const binding = createRestBinding({ baseUrl: `${BASE}/`, token: "tok_secret", fetch: server.fetcher });
    const body = await binding.run("@cf/meta/llama-3.2-1b-instruct", { messages: [{ role: "user", content: "hey" }], stream: true });
    expect(body).toBeInstanceOf(ReadableStream);
    expect(await new Response(body as ReadableStream).text()).toContain('data: {"response":"Hi"}');
    const [request] = server.requests;
    expect(request.method).toBe("POST");
    expect(request.url).toBe(`${BASE}/run/@cf/meta/llama-3.2-1b-instruct`);
    expect(request.headers.get("authorization")).toBe("Bearer tok_secret");
    expect(request.headers.get("content-type")).toBe("application/json");
    expect(await request.json()).toEqual({ messages: [{ role: "user", content: "hey" }], stream: true });
  });

  it("unwraps the {result, success, errors} envelope of non-streamed answers", async () => {
    const server = restServer(() =>
      Response.json({
        result: { response: "42", usage: { prompt_tokens: 3, completion_tokens: 1, total_tokens: 4 } },
        success: true,
        errors: [],
        messages: [],
      }),
    );
    const binding = createRestBinding({ baseUrl: BASE, fetch: server.fetcher });
    expect(await binding.run("@cf/meta/llama-3.2-1b-instruct", { prompt: "6*7" })).toEqual({
      response: "42",
      usage: { prompt_tokens: 3, completion_tokens: 1, total_tokens: 4 },
    });
    expect(server.requests[0].headers.get("authorization")).toBeNull();
  });

  it("returns binary image answers as a byte stream, as the binding does", async () => {
    const png = new Uint8Array([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a, 1, 2, 3]);
    const server = restServer(() => new Response(png, { headers: { "content-type": "image/png" } }));
    const binding = createRestBinding({ baseUrl: BASE, fetch: server.fetcher });
    const out = await binding.run("@cf/stabilityai/stable-diffusion-xl-base-1.0", { prompt: "a cat" });
    expect(new Uint8Array(await new Response(out as ReadableStream).arrayBuffer())).toEqual(png);
  });

  it("sends multipart inputs as the form body with its boundary", async () => {
    const server = restServer(() => Response.json({ result: { image: "aGk=" }, success: true, errors: [] }));
    const binding = createRestBinding({ baseUrl: BASE, fetch: server.fetcher });
    const form = new FormData();
    form.append("prompt", "a lighthouse");
    form.append("width", "512");
    const formResponse = new Response(form);
    await binding.run("@cf/black-forest-labs/flux-2-dev", {
      multipart: { body: formResponse.body!, contentType: formResponse.headers.get("content-type")! },
    });
    const request = server.requests[0];
    expect(request.headers.get("content-type")).toMatch(/^multipart\/form-data; boundary=/);
    const received = await request.formData();
    expect(received.get("prompt")).toBe("a lighthouse");
    expect(received.get("width")).toBe("512");
  });

  it.each([
    [429, 3040, "Capacity temporarily exceeded, please try again."],
    [400, 5007, "No such model @cf/nope or task"],
    [400, 5021, "exceeded this model context window limit"],
  ])("throws HTTP %i envelopes like the binding: AiError with code %i", async (status, code, message) => {
    const server = restServer(() => Response.json({ result: null, success: false, errors: [{ code, message }], messages: [] }, { status }));
    const binding = createRestBinding({ baseUrl: BASE, fetch: server.fetcher });
    const error = (await binding.run("@cf/x/y", { prompt: "p" }).catch((e) => e)) as WorkersAiRunError;
    expect(error).toBeInstanceOf(WorkersAiRunError);
    expect(error.code).toBe(code);
    expect(error.httpStatus).toBe(status);
    expect(error.message).toBe(`AiError: ${code}: ${message}`);
  });

  it("reports an unreachable server without leaking the token", async () => {
    const binding = createRestBinding({
      baseUrl: "http://127.0.0.1:1/ai",
      token: "tok_secret",
      fetch: async () => {
        throw new TypeError("fetch failed");
      },
    });
    const error = (await binding.run("@cf/x/y", { prompt: "p" }).catch((e) => e)) as Error;
    expect(error.message).toContain("could not reach 127.0.0.1:1");
    expect(error.message).not.toContain("tok_secret");
  });
});

describe("an answer through the REST seam", () => {
  async function answerFrom(restUrl: string, answer: (request: Request) => Response) {
    const server = restServer(answer);
    const backend = resolveAiBackend({ ...env, WORKERS_AI_REST_URL: restUrl, WORKERS_AI_TOKEN: "tok_secret" }, server.fetcher);
    return { ...(await answerThrough(backend)), server };
  }

  it("streams OpenAI-style chunks from real Workers AI's REST API and says so", async () => {
    const { chunks, servedBy, server } = await answerFrom(BASE, () => sse(openAiChunks(["Hello", " from", " REST"])));
    expect(textOf(chunks)).toBe("Hello from REST");
    expect(servedBy).toBe("Workers AI (REST)");
    expect(server.requests[0].headers.get("authorization")).toBe("Bearer tok_secret");
  });

  it("names the local engine's model file when the local engine answers", async () => {
    const { chunks, servedBy } = await answerFrom("http://127.0.0.1:8788/client/v4/accounts/local/ai", () =>
      sse(legacyChunks(["tiny"]), { "x-local-engine-model": "stories260K.gguf" }),
    );
    expect(textOf(chunks)).toBe("tiny");
    expect(servedBy).toBe("Local engine · stories260K.gguf");
  });

  it("does not call another server on this machine the local engine: only the engine's own header says so", async () => {
    const { chunks, servedBy } = await answerFrom("http://127.0.0.1:9999/client/v4/accounts/local/ai", () =>
      sse(legacyChunks(["Hi from elsewhere"])),
    );
    expect(textOf(chunks)).toBe("Hi from elsewhere");
    expect(servedBy).toBe("Workers AI-compatible server at 127.0.0.1:9999");
  });

  it("says plainly when the local engine has no model, and logs neither the token nor the prompt", async () => {
    const lines: string[] = [];
    vi.spyOn(console, "log").mockImplementation((...args) => void lines.push(args.join(" ")));
    const { chunks, outcome } = await answerFrom("http://127.0.0.1:8788/client/v4/accounts/local/ai", () =>
      Response.json({ result: null, success: false, errors: [{ code: 9901, message: "no text model" }], messages: [] }, { status: 503 }),
    );
    expect(chunks.find((c) => c.type === "error")?.errorText).toContain("LOCAL_TEXT_MODEL");
    expect(outcome.failure?.code).toBe("engine_no_model");
    expect(lines.some((line) => line.includes("answer.error"))).toBe(true);
    for (const line of lines) expect(line).not.toMatch(/tok_secret|hello/);
  });
});
