import { describe, expect, it } from "vitest";
import { MODEL_SILENCE_LIMITS, guardModelStream } from "./stream-guard";

type Part = { type: string; text?: string; finishReason?: string; error?: unknown };

/** A model stream that sends its parts with the given pauses (ms) before each. */
function paced(parts: [number, Part][]): ReadableStream<Part> {
  let i = 0;
  return new ReadableStream<Part>({
    async pull(controller) {
      if (i === parts.length) return controller.close();
      const [pause, part] = parts[i++];
      await new Promise((resolve) => setTimeout(resolve, pause));
      controller.enqueue(part);
    },
  });
}

async function readAll(stream: ReadableStream<Part>): Promise<Part[]> {
  const out: Part[] = [];
  for await (const part of stream as unknown as AsyncIterable<Part>) out.push(part);
  return out;
}

describe("guardModelStream between the steps of a tool loop", () => {
  it("gives the next step the first-output limit: a tool's run and a non-streaming model's wait are not silence mid-answer", async () => {
    const saved = { ...MODEL_SILENCE_LIMITS };
    MODEL_SILENCE_LIMITS.betweenOutputMs = 1_000;
    MODEL_SILENCE_LIMITS.firstOutputMs = 10_000;
    try {
      const parts = await readAll(
        guardModelStream(
          paced([
            [0, { type: "text-delta", text: "Let me calculate." }],
            [0, { type: "finish-step", finishReason: "tool-calls" }],
            // The tool runs, then the next model call answers all at once: longer than betweenOutputMs.
            [2_500, { type: "start-step" }],
            [0, { type: "text-delta", text: "It is 4." }],
            [0, { type: "finish-step", finishReason: "stop" }],
          ]),
          new AbortController(),
        ),
      );
      expect(parts.map((p) => p.type)).toEqual(["text-delta", "finish-step", "start-step", "text-delta", "finish-step"]);
    } finally {
      Object.assign(MODEL_SILENCE_LIMITS, saved);
    }
  });

  it("still cuts off a model that goes silent mid-step", async () => {
    const saved = { ...MODEL_SILENCE_LIMITS };
    MODEL_SILENCE_LIMITS.betweenOutputMs = 1_000;
    MODEL_SILENCE_LIMITS.firstOutputMs = 10_000;
    const giveUp = new AbortController();
    try {
      const parts = await readAll(
        guardModelStream(
          paced([
            [0, { type: "text-delta", text: "It is" }],
            [4_000, { type: "text-delta", text: " 4." }],
          ]),
          giveUp,
        ),
      );
      expect(parts.at(-1)?.type).toBe("error");
      expect(giveUp.signal.aborted).toBe(true);
    } finally {
      Object.assign(MODEL_SILENCE_LIMITS, saved);
    }
  });
});
