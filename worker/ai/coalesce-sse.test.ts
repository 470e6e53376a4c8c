import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { legacyChunks, sseStream } from "../test/recorded-ai";
import { coalesceSse } from "./coalesce-sse";
import { resolveAiBackend, type AiBinding } from "./seam";

const encoder = new TextEncoder();

/** Each string is one read of the upstream body; the answer is each chunk the transform gave out. */
async function coalesce(chunks: (string | Uint8Array)[]): Promise<string[]> {
  const source = new ReadableStream<Uint8Array>({
    start(controller) {
      for (const chunk of chunks) controller.enqueue(typeof chunk === "string" ? encoder.encode(chunk) : chunk);
      controller.close();
    },
  });
  const out: string[] = [];
  const decoder = new TextDecoder();
  for await (const chunk of source.pipeThrough(coalesceSse()) as unknown as AsyncIterable<Uint8Array>) out.push(decoder.decode(chunk, { stream: true }));
  return out;
}

/** What the provider's SSE parser sees: one payload per `data:` line. */
const payloads = (text: string) =>
  text
    .split("\n")
    .map((line) => line.trim())
    .filter((line) => line.startsWith("data:"))
    .map((line) => line.slice(5).trim());

const text = (pieces: string[]) => pieces.map((p) => `data: ${JSON.stringify({ response: p })}\n\n`).join("");
const usage = `data: ${JSON.stringify({ response: "", usage: { prompt_tokens: 5, completion_tokens: 3, total_tokens: 8 } })}\n\n`;

describe("coalesceSse", () => {
  it("merges the text events of one chunk into one, and keeps usage and [DONE] after it in order", async () => {
    const out = await coalesce([text(["Hel", "lo", ", wor", "ld"]) + usage + "data: [DONE]\n\n"]);
    expect(payloads(out.join(""))).toEqual([JSON.stringify({ response: "Hello, world" }), usage.slice(6).trim(), "[DONE]"]);
  });

  it("passes a chunk holding one event through byte for byte, padding field and all", async () => {
    const one = 'data: {"response":"Hi","p":"abcdef"}\n\n';
    expect(await coalesce([one, usage, "data: [DONE]\n\n"])).toEqual([one, usage, "data: [DONE]\n\n"]);
  });

  it("merges Workers AI's padded events (the p field is length padding, not content)", async () => {
    const out = await coalesce([legacyChunks(["a", "b", "c", "d"]).join("")]);
    const events = payloads(out.join(""));
    expect(JSON.parse(events[0])).toEqual({ response: "abcd" });
    expect(JSON.parse(events[1]).usage).toEqual({ prompt_tokens: 5, completion_tokens: 4, total_tokens: 9 });
    expect(events.slice(2)).toEqual(["[DONE]"]);
  });

  it("carries an event split across reads (mid-line, mid-character) to the next read and never merges across reads", async () => {
    const all = text(["Grüße", " aus", " Köln"]);
    const bytes = encoder.encode(all);
    const cut1 = all.indexOf("aus"); // inside the second event's JSON
    const cut2 = encoder.encode(all.slice(0, all.indexOf("ö"))).length + 1; // inside ö's two UTF-8 bytes
    const out = await coalesce([bytes.slice(0, cut1), bytes.slice(cut1, cut2), bytes.slice(cut2)]);
    expect(payloads(out[0])).toEqual([JSON.stringify({ response: "Grüße" })]);
    expect(payloads(out.join("")).map((e) => JSON.parse(e).response).join("")).toBe("Grüße aus Köln");
    expect(out.every((chunk) => payloads(chunk).length <= 1)).toBe(true);
  });

  it("gives out every complete line of a read before the next read: nothing waits for more input", async () => {
    const source = new TransformStream<Uint8Array, Uint8Array>();
    const reader = source.readable.pipeThrough(coalesceSse()).getReader();
    const writer = source.writable.getWriter();
    void writer.write(encoder.encode(text(["a", "b"]) + 'data: {"response":"c"}\n'));
    const first = new TextDecoder().decode((await reader.read()).value);
    expect(payloads(first)).toEqual([JSON.stringify({ response: "abc" })]);
    void writer.write(encoder.encode('\ndata: {"response":"d"'));
    expect(new TextDecoder().decode((await reader.read()).value)).toBe("\n"); // the line that ended "c"; "d" is not whole yet
    void writer.write(encoder.encode("}\n\n"));
    expect(payloads(new TextDecoder().decode((await reader.read()).value))).toEqual(['{"response":"d"}']);
    void writer.close();
  });

  it("passes tool calls, other fields, comments and malformed lines through unchanged, each ending a run of text", async () => {
    const toolCall = `data: ${JSON.stringify({ response: "", tool_calls: [{ name: "f", arguments: "{}" }] })}\n\n`;
    const finish = `data: ${JSON.stringify({ response: "x", finish_reason: "stop" })}\n\n`;
    const odd = [": keep-alive\n", "event: ping\n", "data: not json\n\n", 'data: {"response":"broken\n\n', 'data: {"response":42}\n\n', 'data: ["a"]\n\n', "data: null\n\n"];
    const input = text(["a", "b"]) + toolCall + text(["c", "d"]) + finish + odd.join("") + text(["e", "f"]) + "data: [DONE]\n\n";
    const out = (await coalesce([input])).join("");
    for (const line of [toolCall, finish, ...odd]) expect(out).toContain(line);
    expect(payloads(out)).toEqual([
      '{"response":"ab"}',
      toolCall.slice(6).trim(),
      '{"response":"cd"}',
      finish.slice(6).trim(),
      "not json",
      '{"response":"broken',
      '{"response":42}',
      '["a"]',
      "null",
      '{"response":"ef"}',
      "[DONE]",
    ]);
  });

  it("treats an empty tool_calls list as text", async () => {
    const out = await coalesce(['data: {"response":"a","tool_calls":[]}\n\ndata: {"response":"b","tool_calls":[]}\n\n']);
    expect(payloads(out.join(""))).toEqual(['{"response":"ab"}']);
  });

  it("keeps a last line that has no newline", async () => {
    expect((await coalesce([text(["a", "b"]), "data: [DONE]"])).join("")).toBe('data: {"response":"ab"}\n\ndata: [DONE]');
  });

  it("keeps the text and the order of every other event, however the stream is cut into reads", async () => {
    const event = fc.oneof(
      fc.string().map((p) => `data: ${JSON.stringify({ response: p })}\n\n`),
      fc.string().map((p) => `data: ${JSON.stringify({ response: p, p: "abc" })}\r\n\r\n`),
      fc.constant(usage),
      fc.constant('data: {"response":"","tool_calls":[{"name":"f"}]}\n\n'),
      fc.constant("data: [DONE]\n\n"),
      fc.constant("data: {oops\n\n"),
    );
    // Text events as one run of text: merging changes how it is cut into events, nothing else.
    const meaning = (sse: string) =>
      payloads(sse).reduce<string[]>((acc, payload) => {
        let piece: unknown;
        try {
          const parsed = JSON.parse(payload);
          piece = Object.keys(parsed).every((k) => k === "response" || k === "p") ? parsed.response : undefined;
        } catch {
          // not text
        }
        if (typeof piece === "string" && acc.at(-1)?.startsWith("text:")) acc[acc.length - 1] += piece;
        else acc.push(typeof piece === "string" ? `text:${piece}` : payload);
        return acc;
      }, []).filter((e) => e !== "text:");
    await fc.assert(
      fc.asyncProperty(fc.array(event, { maxLength: 30 }), fc.array(fc.nat(), { maxLength: 8 }), async (events, cuts) => {
        const bytes = encoder.encode(events.join(""));
        const points = [...new Set(cuts.map((c) => c % (bytes.length + 1)))].sort((a, b) => a - b);
        const chunks = [0, ...points].map((from, i) => bytes.slice(from, [...points, bytes.length][i]));
        const out = (await coalesce(chunks)).join("");
        expect(meaning(out)).toEqual(meaning(events.join("")));
      }),
      { numRuns: 300 },
    );
  });
});

describe("the seam coalesces streamed answers of both bindings", () => {
  const oneRead = () => sseStream([legacyChunks(["one", " two", " three"]).join("")]);
  const run = (binding: AiBinding, inputs: Record<string, unknown>) => (binding.run as (m: string, i: unknown) => Promise<unknown>)("@cf/meta/llama-3.2-1b-instruct", inputs);
  const read = async (stream: unknown) => new Response(stream as ReadableStream).text();

  it("the AI binding", async () => {
    const backend = resolveAiBackend({ AI: { run: async () => oneRead() } as unknown as Ai });
    expect(payloads(await read(await run(backend.binding, { stream: true })))[0]).toBe('{"response":"one two three"}');
  });

  it("the REST binding", async () => {
    const fetcher = (async () => new Response(oneRead(), { headers: { "content-type": "text/event-stream" } })) as typeof fetch;
    const backend = resolveAiBackend({ WORKERS_AI_REST_URL: "http://127.0.0.1:1/ai" }, fetcher);
    expect(payloads(await read(await run(backend.binding, { stream: true })))[0]).toBe('{"response":"one two three"}');
  });

  it("leaves answers that were not asked to stream alone (an image's bytes)", async () => {
    const png = Uint8Array.from([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a, 0x64, 0x61, 0x74, 0x61, 0x3a, 0x0a]);
    const backend = resolveAiBackend({ AI: { run: async () => new Response(png).body } as unknown as Ai });
    const out = new Uint8Array(await new Response((await run(backend.binding, { prompt: "a cat" })) as ReadableStream).arrayBuffer());
    expect(out).toEqual(png);
  });
});
