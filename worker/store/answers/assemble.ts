import type { UIMessageChunk } from "ai";
import type { ChatMessage, MessageMetadata } from "../../../contract/messages";

type Part = ChatMessage["parts"][number];

/**
 * The message a run of UI message chunks describes: the same result as the AI SDK's own
 * `readUIMessageStream` for the chunks our answers carry (text, reasoning, steps, metadata), built
 * in one pass over chunks already in memory (or read back after a restart) instead of through
 * another stream stage per token on the hot path. Other chunk types are not produced by our models.
 */
export function assembleAnswer(chunks: readonly UIMessageChunk[], fallbackId: string): ChatMessage {
  let id = fallbackId;
  let metadata: MessageMetadata | undefined;
  const parts: Part[] = [];
  const open = new Map<string, { type: "text" | "reasoning"; text: string; state?: "streaming" | "done"; id?: string }>();
  const mergeMetadata = (more: unknown) => {
    if (more != null) metadata = { ...metadata, ...(more as MessageMetadata) };
  };
  for (const chunk of chunks) {
    switch (chunk.type) {
      case "start":
        if (chunk.messageId) id = chunk.messageId;
        mergeMetadata(chunk.messageMetadata);
        break;
      case "start-step":
        parts.push({ type: "step-start" });
        break;
      case "text-start":
      case "reasoning-start": {
        // The SDK keeps a reasoning part's id (to match it to its provider metadata), not a text part's.
        const part =
          chunk.type === "text-start"
            ? { type: "text" as const, text: "", state: "streaming" as const }
            : { type: "reasoning" as const, id: chunk.id, text: "", state: "streaming" as const };
        open.set(`${part.type}:${chunk.id}`, part);
        parts.push(part);
        break;
      }
      case "text-delta":
      case "reasoning-delta": {
        const part = open.get(`${chunk.type === "text-delta" ? "text" : "reasoning"}:${chunk.id}`);
        if (part) part.text += chunk.delta;
        break;
      }
      case "text-end":
      case "reasoning-end": {
        const key = `${chunk.type === "text-end" ? "text" : "reasoning"}:${chunk.id}`;
        const part = open.get(key);
        if (part) part.state = "done";
        open.delete(key);
        break;
      }
      case "message-metadata":
      case "finish":
        mergeMetadata(chunk.messageMetadata);
        break;
    }
  }
  return { id, role: "assistant", parts, ...(metadata ? { metadata } : {}) };
}

/** Chunks that rebuild a saved answer, so a continued answer's stream replays what it already had. */
export function chunksOf(message: ChatMessage): UIMessageChunk[] {
  const chunks: UIMessageChunk[] = [{ type: "start", messageId: message.id, messageMetadata: message.metadata }];
  message.parts.forEach((part, i) => {
    if (part.type === "step-start") return void chunks.push({ type: "start-step" });
    if (part.type !== "text" && part.type !== "reasoning") return;
    const id = ("id" in part && typeof part.id === "string" && part.id) || `earlier-${i}`;
    const kind = part.type;
    chunks.push({ type: `${kind}-start`, id }, { type: `${kind}-delta`, id, delta: part.text }, { type: `${kind}-end`, id });
  });
  return chunks;
}
