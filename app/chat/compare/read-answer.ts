import type { ChatMessage, MessageMetadata } from "../../../contract/messages";
import { messageText } from "../messageText";

/** What a column shows of one answer as its stream arrives. */
export interface AnswerSoFar {
  text: string;
  /** The last metadata the stream sent: the saved answer's (status, usage, timing, cost) once it ended. */
  metadata?: MessageMetadata;
  error?: string;
  ended: boolean;
}

/**
 * Reads one compare answer's UI message stream (GET /api/chat/compare/:id/stream?slot=n: the AI
 * SDK's SSE chunks) and reports the answer so far after each read. Only what a column shows is kept:
 * text, the metadata, an error. A 204 means the answer already ended: the caller reads it from the
 * conversation instead.
 */
export async function readAnswer(response: Response, onUpdate: (answer: AnswerSoFar) => void, signal: AbortSignal): Promise<AnswerSoFar> {
  const answer: AnswerSoFar = { text: "", ended: false };
  if (response.status === 204 || !response.body) return { ...answer, ended: true };
  const reader = response.body.getReader();
  signal.addEventListener("abort", () => void reader.cancel().catch(() => {}), { once: true });
  const decoder = new TextDecoder();
  let buffer = "";
  for (;;) {
    const { done, value } = await reader.read().catch(() => ({ done: true, value: undefined }));
    if (done) break;
    buffer += decoder.decode(value, { stream: true });
    const events = buffer.split("\n\n");
    buffer = events.pop() ?? "";
    for (const event of events) take(answer, event);
    onUpdate({ ...answer });
  }
  answer.ended = true;
  onUpdate({ ...answer });
  return answer;
}

function take(answer: AnswerSoFar, event: string): void {
  if (!event.startsWith("data: ") || event === "data: [DONE]") return;
  let chunk: { type: string; delta?: string; messageMetadata?: MessageMetadata; errorText?: string };
  try {
    chunk = JSON.parse(event.slice(6));
  } catch {
    return;
  }
  // "start" and "message-metadata" chunks both carry metadata; the last one is the saved answer's.
  if (chunk.messageMetadata) answer.metadata = { ...answer.metadata, ...chunk.messageMetadata };
  if (chunk.type === "text-delta" && chunk.delta) answer.text += chunk.delta;
  else if (chunk.type === "error") answer.error = chunk.errorText ?? "The answer failed.";
}

/** An answer that has ended, as saved: what its column shows. */
export function savedAnswer(message: ChatMessage): AnswerSoFar {
  return { text: messageText(message), metadata: message.metadata, error: message.metadata?.error, ended: true };
}
