/**
 * Cases the route fuzzer (routes.test.ts) found, kept as plain tests. The model is a TEST DOUBLE
 * (a spy answering a short recorded-format stream) so calls can be counted.
 */
import { env } from "cloudflare:workers";
import { afterEach, describe, expect, it, vi } from "vitest";
import { MODEL_SILENCE_LIMITS } from "../../ai/stream-guard";
import { isJsonMediaType, nestingExceeds } from "../../http/validate";
import { newConversationId, readUiStream, TestClient, textOf } from "../client";
import { legacyChunks, recordedRun, sseStream } from "../recorded-ai";

afterEach(() => vi.restoreAllMocks());

function chatWithNestedMetadata(id: string, levels: number): string {
  const nested = '{"a":'.repeat(levels) + "1" + "}".repeat(levels);
  return `{"id":"${id}","model":"@cf/meta/llama-3.2-1b-instruct","messages":[{"id":"m1","role":"user","parts":[{"type":"text","text":"hi"}],"metadata":{"x":${nested}}}]}`;
}

describe("found by fuzzing", () => {
  // Was a 200: the content-type check looked for "application/json" anywhere in the header.
  it.each(["application/jsonp", "text/plain; x=application/json", "application/json-seq"])(
    "a body sent as %s is a 400, and the model is not called",
    async (type) => {
      const fake = recordedRun(() => sseStream(legacyChunks(["ok"])));
      vi.spyOn(env.AI, "run").mockImplementation(fake.run as never);
      const response = await new TestClient().fetch("/api/chat", {
        method: "POST",
        headers: { "content-type": type },
        body: chatWithNestedMetadata(newConversationId(), 1),
      });
      expect(response.status).toBe(400);
      expect(await response.json()).toMatchObject({ error: { code: "bad_request", message: expect.stringContaining("must be JSON") } });
      expect(fake.calls).toHaveLength(0);
    },
  );

  it.each(["application/json", "Application/JSON; charset=utf-8", " application/json ;charset=UTF-8"])("%s is JSON", (type) => {
    expect(isJsonMediaType(type)).toBe(true);
  });

  // Was a 500 (RangeError: Maximum call stack size exceeded) from 5,000 levels up: the schema lets
  // message metadata be any JSON, and saving it overflowed the stack.
  it.each([5_000, 10_000, 100])(
    "a chat message with metadata nested %i levels deep is a 400, and the model is not called",
    async (levels) => {
      const fake = recordedRun(() => sseStream(legacyChunks(["ok"])));
      vi.spyOn(env.AI, "run").mockImplementation(fake.run as never);
      const client = new TestClient();
      const id = newConversationId();
      const response = await client.fetch("/api/chat", {
        method: "POST",
        headers: { "content-type": "application/json" },
        body: chatWithNestedMetadata(id, levels),
      });
      expect(response.status).toBe(400);
      expect(await response.json()).toMatchObject({ error: { code: "bad_request", message: expect.stringContaining("nested") } });
      expect(fake.calls).toHaveLength(0);
      expect((await client.fetch(`/api/conversations/${id}`)).status).toBe(404);
    },
  );

  it("ordinary nesting still passes", async () => {
    const fake = recordedRun(() => sseStream(legacyChunks(["fine"])));
    vi.spyOn(env.AI, "run").mockImplementation(fake.run as never);
    const client = new TestClient();
    const response = await client.fetch("/api/chat", {
      method: "POST",
      headers: { "content-type": "application/json" },
      body: chatWithNestedMetadata(newConversationId(), 20),
    });
    expect(response.status).toBe(200);
    expect(textOf(await readUiStream(response))).toBe("fine");
    expect(fake.calls).toHaveLength(1);
  });

  it("nesting is counted outside strings only", () => {
    expect(nestingExceeds(`{"a":"${"[".repeat(1000)}"}`, 64)).toBe(false);
    expect(nestingExceeds(`{"a":"\\"${"{".repeat(100)}"}`, 64)).toBe(false);
    expect(nestingExceeds("[".repeat(65), 64)).toBe(true);
    expect(nestingExceeds("[".repeat(64) + "]".repeat(64), 64)).toBe(false);
  });

  // Was a 200 with a model call: a last message with no text at all went to the model as an empty
  // question (the UI never sends one, but any client could, and each call costs).
  it.each([
    ["no parts", []],
    ["blank text", [{ type: "text", text: "  \n " }]],
    ["only a step marker", [{ type: "step-start" }]],
  ])("a chat question with %s is a 400, and the model is not called", async (_name, parts) => {
    const fake = recordedRun(() => sseStream(legacyChunks(["ok"])));
    vi.spyOn(env.AI, "run").mockImplementation(fake.run as never);
    const client = new TestClient();
    const response = await client.json("/api/chat", "POST", { id: newConversationId(), messages: [{ id: "m1", role: "user", parts }] });
    expect(response.status).toBe(400);
    expect(await response.json()).toMatchObject({ error: { code: "bad_request", message: expect.stringContaining("no text") } });
    expect(fake.calls).toHaveLength(0);
  });

  it("a vision question with no text is a 400 before the image is even looked up", async () => {
    const fake = recordedRun(() => sseStream(legacyChunks(["ok"])));
    vi.spyOn(env.AI, "run").mockImplementation(fake.run as never);
    const client = new TestClient();
    const response = await client.json("/api/vision", "POST", {
      id: newConversationId(),
      imageId: newConversationId(),
      messages: [{ id: "m1", role: "user", parts: [] }],
    });
    expect(response.status).toBe(400);
    expect(fake.calls).toHaveLength(0);
  });
});

describe("found by fault injection (e2e/faults.spec.ts)", () => {
  async function stored(client: TestClient, id: string) {
    const response = await client.fetch(`/api/conversations/${id}`);
    expect(response.status).toBe(200);
    return ((await response.json()) as { messages: any[] }).messages;
  }

  // Was saved and shown as a complete answer: the provider reports the missing [DONE] (finish
  // reason "error", raw "stream-truncated") but nothing read it.
  it("a stream that ends without [DONE] or a finish reason is a failed answer, partial text kept", async () => {
    const chunks = legacyChunks(["Half ", "an ", "answer"]).slice(0, 3); // no usage frame, no [DONE]
    vi.spyOn(env.AI, "run").mockImplementation((async () => sseStream(chunks)) as never);
    const client = new TestClient();
    const id = newConversationId();
    const parts = await readUiStream(
      await client.chat({ id, messages: [{ id: "m1", role: "user", parts: [{ type: "text", text: "Tell me" }] }] }),
    );
    expect(textOf(parts)).toBe("Half an answer");
    expect(parts.find((p) => p.type === "error")?.errorText).toMatch(/broke off/);
    const messages = await stored(client, id);
    expect(messages[1].metadata).toMatchObject({ status: "failed", error: expect.stringMatching(/broke off/) });
    expect(messages[1].parts.find((p: any) => p.type === "text").text).toBe("Half an answer");
  });

  // Was an answer that never ended: a model that went silent held the stream (and the page) open.
  it("a model that goes silent mid-answer is given up on: failed, partial kept, the call aborted", async () => {
    const saved = { ...MODEL_SILENCE_LIMITS };
    MODEL_SILENCE_LIMITS.betweenOutputMs = 300;
    let signal: AbortSignal | undefined;
    const encoder = new TextEncoder();
    vi.spyOn(env.AI, "run").mockImplementation((async (_m: string, _i: unknown, options?: { signal?: AbortSignal }) => {
      signal = options?.signal;
      let sent = false;
      // TEST DOUBLE: one piece, then silence until aborted.
      return new ReadableStream<Uint8Array>({
        pull(controller) {
          if (!sent) {
            sent = true;
            controller.enqueue(encoder.encode(`data: ${JSON.stringify({ response: "Begin" })}\n\n`));
            return;
          }
          return new Promise<void>(() => {});
        },
      });
    }) as never);
    try {
      const client = new TestClient();
      const id = newConversationId();
      // A guard that never fired would hang here until the test's timeout: no wall-clock assertion needed.
      const parts = await readUiStream(
        await client.chat({ id, messages: [{ id: "m1", role: "user", parts: [{ type: "text", text: "Go" }] }] }),
      );
      expect(textOf(parts)).toBe("Begin");
      expect(parts.find((p) => p.type === "error")?.errorText).toMatch(/stopped answering/);
      expect(signal?.aborted).toBe(true);
      const messages = await stored(client, id);
      expect(messages[1].metadata).toMatchObject({ status: "failed" });
    } finally {
      Object.assign(MODEL_SILENCE_LIMITS, saved);
    }
  });
});
