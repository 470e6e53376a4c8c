import { readUIMessageStream, type UIMessageChunk } from "ai";
import { describe, expect, it } from "vitest";
import type { ChatMessage } from "../../../contract/messages";
import { assembleAnswer, chunksOf, closeOpenToolCalls, TOOL_CUT_SHORT } from "./assemble";

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

/** An answer that calls tools (the chunks toUIMessageStream makes for a tool loop): each kind of ending. */
const withTools: UIMessageChunk[] = [
  { type: "start", messageId: "m2", messageMetadata: { model: "@cf/x/y" } },
  { type: "start-step" },
  { type: "tool-input-start", toolCallId: "c1", toolName: "calculate" },
  { type: "tool-input-delta", toolCallId: "c1", inputTextDelta: '{"expression":' },
  { type: "tool-input-delta", toolCallId: "c1", inputTextDelta: '"2+2"}' },
  { type: "tool-input-available", toolCallId: "c1", toolName: "calculate", input: { expression: "2+2" } },
  { type: "tool-output-available", toolCallId: "c1", output: { result: "4" } },
  { type: "tool-input-start", toolCallId: "c2", toolName: "read_web_page" },
  { type: "tool-input-available", toolCallId: "c2", toolName: "read_web_page", input: { url: "https://example.com" } },
  { type: "tool-output-error", toolCallId: "c2", errorText: "Read web page failed: no route." },
  { type: "tool-input-start", toolCallId: "c3", toolName: "mcp_abc123_echo", dynamic: true, title: "Echo" },
  { type: "tool-input-available", toolCallId: "c3", toolName: "mcp_abc123_echo", dynamic: true, input: { text: "hi" }, title: "Echo" },
  { type: "tool-output-available", toolCallId: "c3", output: { content: [{ type: "text", text: "hi" }] }, dynamic: true },
  { type: "finish-step" },
  { type: "start-step" },
  { type: "tool-input-start", toolCallId: "c4", toolName: "generate_image" },
  { type: "tool-input-available", toolCallId: "c4", toolName: "generate_image", input: { prompt: "a cat" } },
  { type: "tool-approval-request", toolCallId: "c4", approvalId: "ap4", reason: "It spends." },
  { type: "tool-input-start", toolCallId: "c5", toolName: "read_web_page" },
  { type: "tool-input-available", toolCallId: "c5", toolName: "read_web_page", input: { url: "https://example.org" } },
  { type: "tool-approval-request", toolCallId: "c5", approvalId: "ap5" },
  { type: "finish-step" },
];

/** The same answer after the person allowed the first call and denied the second, carried on. */
const continued: UIMessageChunk[] = [
  ...withTools,
  { type: "tool-approval-response", approvalId: "ap4", approved: true },
  { type: "tool-approval-response", approvalId: "ap5", approved: false, reason: "Not that one." },
  { type: "tool-output-available", toolCallId: "c4", output: { imageId: "i1", url: "/api/images/i1" } },
  { type: "tool-output-denied", toolCallId: "c5" },
  { type: "start-step" },
  { type: "text-start", id: "t" },
  { type: "text-delta", id: "t", delta: "Here it is." },
  { type: "text-end", id: "t" },
  { type: "finish-step" },
];

describe("assembleAnswer with tool calls", () => {
  it("keeps tool parts, results, errors, dynamic (connector) tools and approval requests as the AI SDK does", async () => {
    const message = assembleAnswer(withTools, "fallback");
    expect(message).toEqual(await sdkReads(withTools));
    expect(message.parts.map((p: any) => p.state).filter(Boolean)).toEqual([
      "output-available",
      "output-error",
      "output-available",
      "approval-requested",
      "approval-requested",
    ]);
  });

  it("keeps approval responses, outputs after approval and denials", async () => {
    const message = assembleAnswer(continued, "fallback");
    expect(message).toEqual(await sdkReads(continued));
    expect(message.parts.find((p: any) => p.toolCallId === "c5")).toMatchObject({
      state: "output-denied",
      approval: { id: "ap5", approved: false, reason: "Not that one." },
    });
  });

  it("chunksOf replays tool parts in every state to the same message (a continued answer's prefix, a restart)", async () => {
    for (const chunks of [withTools, continued, withTools.slice(0, 4)]) {
      const saved = assembleAnswer(chunks, "fallback");
      expect(assembleAnswer(chunksOf(saved), "other")).toEqual(saved);
      expect(await sdkReads(chunksOf(saved))).toEqual(saved);
    }
  });

  it("an answer cut off mid-call ends that call with an error the model can read, and leaves approvals waiting", () => {
    const cut = closeOpenToolCalls(
      assembleAnswer([...withTools, ...withTools.slice(1, 4).map((c: any) => (c.toolCallId ? { ...c, toolCallId: "c9" } : c))], "x"),
    );
    expect(cut.parts.find((p: any) => p.toolCallId === "c9")).toMatchObject({ state: "output-error", errorText: TOOL_CUT_SHORT });
    expect(cut.parts.find((p: any) => p.toolCallId === "c4")).toMatchObject({ state: "approval-requested" });
  });
});
