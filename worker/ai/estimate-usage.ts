import type { ModelMessage } from "ai";
import type { ChatMessage, MessageUsage } from "../../contract/messages";

/** About four characters a token: the usual rule of thumb for English with Llama-family tokenizers. */
const CHARS_PER_TOKEN = 4;

/** The prompt's size in characters: instructions and the text of every message (an image's cost is not knowable from its bytes). */
export function promptChars(prompt: { instructions?: string; messages: ModelMessage[] }): number {
  return (prompt.instructions?.length ?? 0) + prompt.messages.reduce((sum, m) => sum + textLength(m.content), 0);
}

/**
 * Workers AI reports usage only in a stream's last event, so an answer stopped, broken or
 * interrupted before its end has none, yet the prompt was read and the partial answer generated.
 * Estimating both keeps the daily budget honest: stopping every answer early must not be a way
 * around it. The prompt is given by its size (promptChars), which a running answer keeps with it.
 */
export function estimateUsage(promptCharCount: number, answer: ChatMessage): MessageUsage {
  const outputChars = answer.parts.reduce((sum, p) => sum + (p.type === "text" || p.type === "reasoning" ? p.text.length : 0), 0);
  const inputTokens = Math.ceil(promptCharCount / CHARS_PER_TOKEN);
  const outputTokens = Math.ceil(outputChars / CHARS_PER_TOKEN);
  return { inputTokens, outputTokens, totalTokens: inputTokens + outputTokens, estimated: true };
}

/** The prompt's tokens, estimated the same way before a call (its reservation) and after (a partial answer). */
export function estimateTokens(prompt: { instructions?: string; messages: ModelMessage[] }): number {
  return Math.ceil(promptChars(prompt) / CHARS_PER_TOKEN);
}

function textLength(content: ModelMessage["content"]): number {
  if (typeof content === "string") return content.length;
  return content.reduce((sum, part) => sum + ("text" in part && typeof part.text === "string" ? part.text.length : 0), 0);
}
