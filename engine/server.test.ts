import { request as httpRequest } from "node:http";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { CHAT_MODEL_IDS } from "../contract/models";
import type { RunEnd } from "./text/runner";
import { LOCAL_ENGINE_HEADER } from "../contract/local-engine";
import { clearEngineEnv, json, nextEvent, post, runUrl, sseData, statusUrl, waitFor } from "./fixtures/http";
import { ensureTestTextModel } from "./fixtures/test-model";
import { tokenFrames } from "./run";
import { startEngine, type Engine } from "./server";

clearEngineEnv();

let engine: Engine;
beforeAll(async () => {
  engine = await startEngine({ port: 0, textModelPath: await ensureTestTextModel(), download: false });
  await waitFor(async () => ((await json(fetch(statusUrl(engine.url)))).ready ? true : undefined));
});
afterAll(() => engine.close());

const hello = { messages: [{ role: "user", content: "Say hello" }] };

it("names itself on its status answer, so the Worker need not guess from the address", async () => {
  const res = await fetch(statusUrl(engine.url));
  expect(res.headers.get(LOCAL_ENGINE_HEADER)).toBe("1");
});

describe("text generation", () => {
  it("answers the Workers AI envelope with usage and names the local file", async () => {
    const res = await post(runUrl(engine.url), { ...hello, max_tokens: 12 });
    expect(res.status).toBe(200);
    expect(res.headers.get("x-local-engine-model")).toBe("tiny-chatml.gguf");
    const body = await json(res);
    expect(body).toMatchObject({ success: true, errors: [], messages: [] });
    expect(typeof body.result.response).toBe("string");
    expect(body.result.response.length).toBeGreaterThan(0);
    const { prompt_tokens, completion_tokens, total_tokens } = body.result.usage;
    // The generated model never samples EOS, so max_tokens is what ends it.
    expect(completion_tokens).toBe(12);
    expect(prompt_tokens).toBeGreaterThan(3);
    expect(total_tokens).toBe(prompt_tokens + completion_tokens);
  });

  it("stands in for every chat model in the catalog, and accepts prompt and content parts", async () => {
    for (const id of CHAT_MODEL_IDS) {
      const res = await post(runUrl(engine.url, id), { prompt: "Hi", max_tokens: 2 });
      expect(res.status, id).toBe(200);
    }
    const parts = await post(runUrl(engine.url), {
      messages: [
        {
          role: "user",
          content: [
            { type: "text", text: "Hi" },
            { type: "image_url", image_url: { url: "data:," } },
          ],
        },
      ],
      max_tokens: 2,
    });
    expect((await json(parts)).result.usage.completion_tokens).toBe(2);
  });

  it("honours seed and temperature", async () => {
    const answer = async (input: object) => (await json(post(runUrl(engine.url), { ...hello, max_tokens: 30, ...input }))).result.response;
    expect(await answer({ seed: 7, temperature: 1 })).toBe(await answer({ seed: 7, temperature: 1 }));
    const seeded = await Promise.all([1, 2, 3, 4].map((seed) => answer({ seed, temperature: 1.5 })));
    expect(new Set(seeded).size).toBeGreaterThan(1);
    expect(await answer({ temperature: 0 })).toBe(await answer({ temperature: 0 }));
  });

  it("samples anew without a seed, as Workers AI does, even for calls within the same second", async () => {
    // node-llama-cpp's own default seed is the current second: these four would all be the same.
    const answer = async () => (await json(post(runUrl(engine.url), { ...hello, max_tokens: 30, temperature: 1.5 }))).result.response;
    const unseeded = await Promise.all([1, 2, 3, 4].map(() => answer()));
    expect(new Set(unseeded).size).toBeGreaterThan(1);
  });

  it("streams legacy chunks: text pieces, then usage, then [DONE]", async () => {
    const res = await post(runUrl(engine.url), { ...hello, max_tokens: 8, stream: true });
    expect(res.status).toBe(200);
    expect(res.headers.get("content-type")).toBe("text/event-stream");
    expect(res.headers.get("x-local-engine-model")).toBe("tiny-chatml.gguf");
    const body = await res.text();
    // Byte for byte what Workers AI sends: every event is `data: <JSON.stringify of the chunk>`.
    const events = body.split("\n\n");
    expect(events.pop()).toBe("");
    for (const event of events.slice(0, -1)) expect(event).toBe(`data: ${JSON.stringify(JSON.parse(event.slice(6)))}`);
    const data = sseData(body);
    expect(data.at(-1)).toBe("[DONE]");
    const chunks = data.slice(0, -1).map((d) => JSON.parse(d));
    const usage = chunks.at(-1);
    expect(usage).toEqual({ response: "", usage: expect.objectContaining({ completion_tokens: 8 }) });
    const pieces = chunks.slice(0, -1);
    expect(pieces.length).toBeGreaterThan(0);
    for (const piece of pieces) expect(Object.keys(piece)).toEqual(["response"]);
    expect(
      pieces
        .map((p) => p.response)
        .join("")
        .trim().length,
    ).toBeGreaterThan(0);
  });

  it("frames token pieces exactly as JSON.stringify({ response }) would", () => {
    const pieces = [" plain", 'quote " and \\ backslash', "line\nbreak\ttab", "\u2028 é 🙂", "\u0001"];
    expect(tokenFrames(pieces)).toBe(pieces.map((response) => `data: ${JSON.stringify({ response })}\n\n`).join(""));
  });

  it("sends each token as it is generated, not at the end", async () => {
    const res = await post(runUrl(engine.url), { ...hello, max_tokens: 400, stream: true });
    const reader = res.body!.getReader();
    const first = await reader.read();
    expect(new TextDecoder().decode(first.value)).toMatch(/^data: \{"response":/);
    let rest = "";
    for (let r = await reader.read(); !r.done; r = await reader.read()) rest += new TextDecoder().decode(r.value);
    expect(rest).toContain("[DONE]");
  });

  it("queues concurrent requests and answers all of them", async () => {
    const answers = await Promise.all([1, 2, 3].map(() => post(runUrl(engine.url), { ...hello, max_tokens: 20 })));
    for (const res of answers) expect((await json(res)).result.usage.completion_tokens).toBe(20);
  });
});

describe("cancellation and failures", () => {
  it("stops generating when the client disconnects", async () => {
    const maxTokens = 4000;
    const ended = nextEvent<RunEnd>(engine.events, "run-end");
    const controller = new AbortController();
    const res = await post(runUrl(engine.url), { prompt: "Go on", max_tokens: maxTokens, stream: true }, { signal: controller.signal });
    await res.body!.getReader().read();
    const abortedAt = Date.now();
    controller.abort();
    const end = await ended;
    expect(end.stopReason).toBe("abort");
    expect(end.completionTokens).toBeLessThan(maxTokens / 2);
    expect(Date.now() - abortedAt).toBeLessThan(1000);
    const next = await post(runUrl(engine.url), { ...hello, max_tokens: 3 });
    expect(next.status).toBe(200);
  });

  it("answers an error envelope when the model process dies mid-answer, then starts a new one", async () => {
    const started = nextEvent<{ pid: number }>(engine.events, "run-start");
    const pending = post(runUrl(engine.url), { prompt: "Go on", max_tokens: 4000 });
    const { pid } = await started;
    process.kill(pid, "SIGKILL");
    const res = await pending;
    expect(res.status).toBe(500);
    const body = await json(res);
    expect(body).toMatchObject({ success: false, result: null, errors: [{ code: 9900 }] });
    expect(body.errors[0].message).toMatch(/stopped/);

    const restarted = nextEvent<number>(engine.events, "child-start");
    const again = await post(runUrl(engine.url), { ...hello, max_tokens: 3 });
    expect(again.status).toBe(200);
    expect(await restarted).not.toBe(pid);
  });
});

describe("error envelopes", () => {
  const expectEnvelope = async (res: Response, status: number, code: number) => {
    expect(res.status).toBe(status);
    const body = await json(res);
    expect(body).toEqual({ result: null, success: false, errors: [{ code, message: expect.any(String) }], messages: [] });
    return body.errors[0].message as string;
  };

  it("5004 for a body that is not JSON", async () => {
    await expectEnvelope(await post(runUrl(engine.url), "{not json"), 400, 5004);
  });

  it("3003 when neither messages nor prompt is given", async () => {
    await expectEnvelope(await post(runUrl(engine.url), { max_tokens: 5 }), 400, 3003);
  });

  it("5004 for wrong types", async () => {
    await expectEnvelope(await post(runUrl(engine.url), { prompt: 42 }), 400, 5004);
    await expectEnvelope(await post(runUrl(engine.url), { messages: [{ role: "user", content: 1 }] }), 400, 5004);
    await expectEnvelope(await post(runUrl(engine.url), { ...hello, max_tokens: "many" }), 400, 5004);
  });

  it("5021 when input plus max_tokens exceed the context window", async () => {
    const message = await expectEnvelope(await post(runUrl(engine.url), { ...hello, max_tokens: 4090 }), 400, 5021);
    expect(message).toMatch(
      /^The estimated number of input and maximum output tokens \(\d+\) exceeded this model context window limit \(4096\)\.$/,
    );
  });

  it("5007 for a model id that is not in the catalog", async () => {
    const res = await post(runUrl(engine.url, "@cf/acme/not-a-model"), hello);
    expect(await expectEnvelope(res, 400, 5007)).toBe("No such model @cf/acme/not-a-model or task");
  });

  it("7000 for other routes", async () => {
    await expectEnvelope(await fetch(runUrl(engine.url)), 404, 7000);
  });
});

/** A raw request, so the test controls Host (fetch will not let a caller set it). */
function rawRequest(url: string, headers: Record<string, string>, body?: string): Promise<{ status: number; body: any }> {
  return new Promise((resolve, reject) => {
    const req = httpRequest(url, { method: body === undefined ? "GET" : "POST", headers }, (res) => {
      let text = "";
      res.setEncoding("utf8");
      res.on("data", (chunk) => (text += chunk));
      res.on("end", () => resolve({ status: res.statusCode ?? 0, body: JSON.parse(text) }));
    });
    req.on("error", reject);
    req.end(body);
  });
}

describe("who may call the engine", () => {
  const port = () => new URL(engine.url).port;

  it("refuses a Host other than its own loopback name and port with 421 (DNS rebinding), on every route", async () => {
    for (const host of [
      "evil.example",
      `evil.example:${port()}`,
      `127.0.0.1:${Number(port()) + 1}`,
      "127.0.0.1",
      `localhost.evil.example:${port()}`,
    ]) {
      const status = await rawRequest(statusUrl(engine.url), { host });
      expect(status.status, host).toBe(421);
      expect(status.body.errors[0]).toMatchObject({ code: 9904, message: expect.stringContaining(`127.0.0.1:${port()}`) });
      const run = await rawRequest(
        runUrl(engine.url),
        { host, "content-type": "application/json" },
        JSON.stringify({ prompt: "Hi", max_tokens: 2 }),
      );
      expect(run.status, host).toBe(421);
    }
  });

  it("answers its loopback names: 127.0.0.1:<port> and localhost:<port>, in any case", async () => {
    for (const host of [`127.0.0.1:${port()}`, `localhost:${port()}`, `LocalHost:${port()}`]) {
      expect((await rawRequest(statusUrl(engine.url), { host })).status, host).toBe(200);
    }
  });

  it("refuses any request that carries Origin with 403, even its own origin", async () => {
    const own = new URL(engine.url).origin;
    for (const origin of ["https://evil.example", own, "null"]) {
      const status = await fetch(statusUrl(engine.url), { headers: { origin } });
      expect(status.status, origin).toBe(403);
      expect((await json(status)).errors[0].code).toBe(9904);
      const run = await post(
        runUrl(engine.url),
        { prompt: "Hi", max_tokens: 2 },
        { headers: { "content-type": "application/json", origin } },
      );
      expect(run.status, origin).toBe(403);
    }
  });

  it("requires the bearer token on every route when it has one", async () => {
    const guarded = await startEngine({ port: 0, textModelPath: await ensureTestTextModel(), download: false, token: "s3cret-token" });
    try {
      for (const authorization of [undefined, "Bearer s3cret-toke", "Bearer s3cret-tokeX", "s3cret-token", "Bearer S3CRET-TOKEN"]) {
        const headers: Record<string, string> = { "content-type": "application/json", ...(authorization ? { authorization } : {}) };
        const refused = await post(runUrl(guarded.url), { prompt: "Hi", max_tokens: 2 }, { headers });
        expect(refused.status, authorization).toBe(401);
        expect((await json(refused)).errors[0].code).toBe(10000);
        expect((await fetch(statusUrl(guarded.url), { headers })).status, authorization).toBe(401);
      }
      const authorization = "Bearer s3cret-token";
      await waitFor(async () => ((await json(fetch(statusUrl(guarded.url), { headers: { authorization } }))).ready ? true : undefined));
      const allowed = await post(
        runUrl(guarded.url),
        { prompt: "Hi", max_tokens: 2 },
        { headers: { "content-type": "application/json", authorization } },
      );
      expect(allowed.status).toBe(200);
    } finally {
      await guarded.close();
    }
  });

  it("takes its token from LOCAL_ENGINE_TOKEN, as `npm run dev` starts it", async () => {
    process.env.LOCAL_ENGINE_TOKEN = "from-env";
    const guarded = await startEngine({ port: 0, textModelPath: await ensureTestTextModel(), download: false });
    delete process.env.LOCAL_ENGINE_TOKEN;
    try {
      expect((await fetch(statusUrl(guarded.url))).status).toBe(401);
      expect((await fetch(statusUrl(guarded.url), { headers: { authorization: "Bearer from-env" } })).status).toBe(200);
    } finally {
      await guarded.close();
    }
  });

  it("accepts any or no token when it has none", async () => {
    const res = await post(
      runUrl(engine.url),
      { prompt: "Hi", max_tokens: 2 },
      {
        headers: { "content-type": "application/json", authorization: "Bearer whatever" },
      },
    );
    expect(res.status).toBe(200);
  });
});

describe("status", () => {
  it("reports the ready model", async () => {
    const status = await json(fetch(statusUrl(engine.url)));
    expect(status).toMatchObject({ ready: true, textModel: "tiny-chatml.gguf", images: { ready: false }, vision: { ready: false } });
    expect(status.images.problem).toContain("LOCAL_IMAGE_MODEL_DIR");
  });
});
