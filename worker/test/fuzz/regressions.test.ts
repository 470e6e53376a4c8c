/**
 * Cases the route fuzzer (routes.test.ts) found, kept as plain tests. The model is a TEST DOUBLE
 * (a spy answering a short recorded-format stream) so calls can be counted.
 */
import { env } from "cloudflare:workers";
import { afterEach, describe, expect, it, vi } from "vitest";
import { nestingExceeds } from "../../http/validate";
import { newConversationId, readUiStream, TestClient, textOf } from "../client";
import { legacyChunks, recordedRun, sseStream } from "../recorded-ai";

afterEach(() => vi.restoreAllMocks());

function chatWithNestedMetadata(id: string, levels: number): string {
  const nested = '{"a":'.repeat(levels) + "1" + "}".repeat(levels);
  return `{"id":"${id}","model":"@cf/meta/llama-3.2-1b-instruct","messages":[{"id":"m1","role":"user","parts":[{"type":"text","text":"hi"}],"metadata":{"x":${nested}}}]}`;
}

describe("found by fuzzing", () => {
  // Was a 500 (RangeError: Maximum call stack size exceeded) from 5,000 levels up: the schema lets
  // message metadata be any JSON, and saving it overflowed the stack.
  it.each([5_000, 10_000, 100])("a chat message with metadata nested %i levels deep is a 400, and the model is not called", async (levels) => {
    const fake = recordedRun(() => sseStream(legacyChunks(["ok"])));
    vi.spyOn(env.AI, "run").mockImplementation(fake.run as never);
    const client = new TestClient();
    const id = newConversationId();
    const response = await client.fetch("/api/chat", { method: "POST", headers: { "content-type": "application/json" }, body: chatWithNestedMetadata(id, levels) });
    expect(response.status).toBe(400);
    expect(await response.json()).toMatchObject({ error: { code: "bad_request", message: expect.stringContaining("nested") } });
    expect(fake.calls).toHaveLength(0);
    expect((await client.fetch(`/api/conversations/${id}`)).status).toBe(404);
  });

  it("ordinary nesting still passes", async () => {
    const fake = recordedRun(() => sseStream(legacyChunks(["fine"])));
    vi.spyOn(env.AI, "run").mockImplementation(fake.run as never);
    const client = new TestClient();
    const response = await client.fetch("/api/chat", { method: "POST", headers: { "content-type": "application/json" }, body: chatWithNestedMetadata(newConversationId(), 20) });
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
    const response = await client.json("/api/vision", "POST", { id: newConversationId(), imageId: newConversationId(), messages: [{ id: "m1", role: "user", parts: [] }] });
    expect(response.status).toBe(400);
    expect(fake.calls).toHaveLength(0);
  });
});
