import { describe, expect, it } from "vitest";
import { mergeArrivedTextEvents, mergeTextEvents } from "./merge-arrived";

const encoder = new TextEncoder();
const decoder = new TextDecoder();
const native = (text: string) => `data: ${JSON.stringify({ response: text })}\n\n`;

/** An upstream whose pieces are handed over one per pull; `drained` resolves once all are taken and it has closed. */
function upstream(pieces: string[], end: "close" | Error = "close") {
  let i = 0;
  let cancelled: unknown = "not cancelled";
  let drainedResolve!: () => void;
  const drained = new Promise<void>((resolve) => (drainedResolve = resolve));
  const stream = new ReadableStream<Uint8Array>(
    {
      pull(controller) {
        if (i < pieces.length) return controller.enqueue(encoder.encode(pieces[i++]));
        if (end === "close") controller.close();
        else controller.error(end);
        drainedResolve();
      },
      cancel(reason) {
        cancelled = reason;
      },
    },
    { highWaterMark: 0 },
  );
  return { stream, drained, cancelledWith: () => cancelled };
}

async function readAll(stream: ReadableStream<Uint8Array>): Promise<string[]> {
  const reads: string[] = [];
  for await (const chunk of stream as unknown as AsyncIterable<Uint8Array>) reads.push(decoder.decode(chunk));
  return reads;
}

describe("mergeArrivedTextEvents", () => {
  it("merges the text events that arrived before a read into one, keeping every other event in its place", async () => {
    const usage = `data: ${JSON.stringify({ response: "", usage: { prompt_tokens: 1, completion_tokens: 4, total_tokens: 5 } })}\n\n`;
    const source = upstream([
      native("a"),
      native("b"),
      `data: ${JSON.stringify({ response: "c", p: "xyz" })}\n\n`,
      usage,
      native("d"),
      "data: [DONE]\n\n",
    ]);
    const merged = mergeArrivedTextEvents(source.stream);
    // Everything arrives before anyone reads: the three text events become one, then usage, d and [DONE] as they were.
    await source.drained;
    const text = (await readAll(merged)).join("");
    expect(text).toBe(`${native("abc")}${usage}${native("d")}data: [DONE]\n\n`);
  });

  it("hands a reader that keeps up each event as it came, byte for byte", async () => {
    let controller!: ReadableStreamDefaultController<Uint8Array>;
    const source = new ReadableStream<Uint8Array>({ start: (c) => void (controller = c) });
    const reader = mergeArrivedTextEvents(source).getReader();
    for (const piece of [native("one"), native(" two"), `data: {"response":" three","p":"ab"}\n\n`]) {
      const read = reader.read();
      controller.enqueue(encoder.encode(piece));
      expect(decoder.decode((await read).value)).toBe(piece);
    }
    controller.close();
    expect((await reader.read()).done).toBe(true);
  });

  it("holds an event split across pieces until it is complete", async () => {
    const whole = native("split") + native("after");
    const source = upstream([whole.slice(0, 9), whole.slice(9, 30), whole.slice(30)]);
    const merged = mergeArrivedTextEvents(source.stream);
    await source.drained;
    expect((await readAll(merged)).join("")).toBe(native("splitafter"));
  });

  it("merges text with escapes as the text it stands for", () => {
    const texts = ['say "hi"', "\\ back", "\n", "é ✓ \u0000"];
    expect(mergeTextEvents(texts.map(native).join(""))).toBe(native(texts.join("")));
  });

  it("merges OpenAI-format content deltas and keeps their envelope", async () => {
    const chunk = (content: string) =>
      `data: ${JSON.stringify({ id: "x", object: "chat.completion.chunk", choices: [{ index: 0, delta: { content }, finish_reason: null }] })}\n\n`;
    const finish = `data: ${JSON.stringify({ id: "x", choices: [{ index: 0, delta: {}, finish_reason: "stop" }] })}\n\n`;
    expect(mergeTextEvents(chunk("He") + chunk("llo") + finish)).toBe(chunk("Hello") + finish);
  });

  it("does not merge across kinds or into events it does not know", () => {
    const openai = `data: ${JSON.stringify({ choices: [{ index: 0, delta: { content: "o" } }] })}\n\n`;
    const tool = `data: ${JSON.stringify({ response: "", tool_calls: [{ name: "f" }] })}\n\n`;
    const events = native("a") + openai + native("b") + tool + native("c") + ": comment\n\n" + native("d");
    expect(mergeTextEvents(events)).toBe(events);
  });

  it("passes an upstream failure on after what arrived before it", async () => {
    const source = upstream([native("a"), native("b")], new Error("connection reset"));
    const reader = mergeArrivedTextEvents(source.stream).getReader();
    await source.drained;
    expect(decoder.decode((await reader.read()).value)).toBe(native("ab"));
    await expect(reader.read()).rejects.toThrow("connection reset");
  });

  it("cancels the upstream when its reader goes away (Stop)", async () => {
    const source = upstream([native("a"), native("b")]);
    const merged = mergeArrivedTextEvents(source.stream);
    await merged.cancel("stopped");
    expect(source.cancelledWith()).toBe("stopped");
  });
});
