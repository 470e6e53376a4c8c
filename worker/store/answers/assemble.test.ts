import { readUIMessageStream, type UIMessageChunk } from "ai";
import { describe, expect, it } from "vitest";
import type { ChatMessage } from "../../../contract/messages";
import { assembleAnswer, chunksOf } from "./assemble";

/** The AI SDK's own reading of the same chunks: the reference assembleAnswer must match. */
async function sdkReads(chunks: UIMessageChunk[]): Promise<ChatMessage> {
  let last: ChatMessage | undefined;
  const stream = new ReadableStream<UIMessageChunk>({
    start(controller) {
      for (const chunk of chunks) controller.enqueue(chunk);
      controller.close();
    },
  });
  for await (const message of readUIMessageStream<ChatMessage>({ stream })) last = message;
  return last!;
}

const answer: UIMessageChunk[] = [
  { type: "start", messageId: "m1", messageMetadata: { model: "@cf/x/y", createdAt: 1 } },
  { type: "start-step" },
  { type: "reasoning-start", id: "r" },
  { type: "reasoning-delta", id: "r", delta: "Think" },
  { type: "reasoning-delta", id: "r", delta: "ing." },
  { type: "reasoning-end", id: "r" },
  { type: "text-start", id: "t" },
  { type: "text-delta", id: "t", delta: "Hello " },
  { type: "text-delta", id: "t", delta: "there" },
  { type: "text-end", id: "t" },
  { type: "finish-step" },
  { type: "message-metadata", messageMetadata: { status: "complete", servedBy: "Workers AI" } },
  { type: "finish" },
];

describe("assembleAnswer", () => {
  it("builds the message the AI SDK builds from the same chunks", async () => {
    expect(assembleAnswer(answer, "fallback")).toEqual(await sdkReads(answer));
  });

  it("builds a partial answer (no end yet) the same way", async () => {
    const partial = answer.slice(0, 8);
    expect(assembleAnswer(partial, "fallback")).toEqual(await sdkReads(partial));
    expect(assembleAnswer(partial, "fallback").parts.at(-1)).toMatchObject({ type: "text", text: "Hello ", state: "streaming" });
  });

  it("chunksOf replays a saved answer to the same message", async () => {
    const saved = assembleAnswer(answer, "fallback");
    expect(assembleAnswer(chunksOf(saved), "other")).toEqual(saved);
    expect(await sdkReads(chunksOf(saved))).toEqual(saved);
  });
});
