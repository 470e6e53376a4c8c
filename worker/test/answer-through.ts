import type { UIMessageChunk } from "ai";
import { DEFAULT_CHAT_MODEL } from "../../contract/models";
import type { AiBackend } from "../ai/backend";
import { streamAnswer } from "../ai/stream-answer";

/**
 * One answer to "hello" through a backend, read to its end: the model call the person's Durable
 * Object makes, for tests that vary the seam's configuration (the object reads its own env).
 */
export async function answerThrough(backend: AiBackend, model = DEFAULT_CHAT_MODEL) {
  const answer = streamAnswer({
    backend,
    model,
    history: [{ id: "q1", role: "user", parts: [{ type: "text", text: "hello" }] }],
    modelMessages: [{ role: "user", content: "hello" }],
    messageId: "a1",
    signal: new AbortController().signal,
  });
  const chunks: UIMessageChunk[] = [];
  const reader = answer.chunks.getReader();
  for (let next = await reader.read(); !next.done; next = await reader.read()) chunks.push(next.value);
  return { chunks: chunks as Record<string, any>[], outcome: answer.outcome(), servedBy: backend.servedBy() };
}
