import type { ChatMessage } from "../../contract/messages";
import { readableMessage } from "../api";

// The Worker saves how an answer ended (stopped, failed), but the page would only show it after a
// reload: these mark the answer in the page at once, the same way, for chat and vision.

/** After Stop: the answer that was streaming is a partial one. */
export function markStopped(messages: ChatMessage[], answerId: string): ChatMessage[] {
  return messages.map((m) => (m.id === answerId && !m.metadata?.status ? { ...m, metadata: { ...m.metadata, status: "stopped" } } : m));
}

/** After an error mid-answer: the last answer, if it has no mark yet, failed, with the reason. */
export function markFailed(messages: ChatMessage[], failure: Error): ChatMessage[] {
  const last = messages.at(-1);
  if (last?.role !== "assistant" || last.metadata?.status) return messages;
  return [...messages.slice(0, -1), { ...last, metadata: { ...last.metadata, status: "failed", error: readableMessage(failure.message) } }];
}
