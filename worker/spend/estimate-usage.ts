import type { ModelMessage } from "ai";
import type { ChatMessage, MessageUsage } from "../../contract/messages";
import { findChatModel } from "../../contract/models";
import { modelPromptSize, outputTokensOf } from "./estimate";

/**
 * The prompt's worst-case input tokens (worker/spend/estimate.ts), before any context window cap:
 * the number a running answer keeps with it (its run row's `prompt_chars`, named when this was a
 * character count) for the estimate below.
 */
export function promptTokens(prompt: { instructions?: string; messages: ModelMessage[] }): number {
  return modelPromptSize(prompt).tokens();
}

/** The name the Durable Object and its run rows know `promptTokens` by. */
export const promptChars = promptTokens;

/**
 * Workers AI reports usage only in a stream's last event, so an answer stopped, broken or
 * interrupted before its end has none, yet the prompt was read and the partial answer generated.
 * Both are counted at their most (the prompt's worst case within the model's context window, a
 * token for each byte of the answer so far), as the reservation was: stopping every answer early
 * must not be a way around the budget, nor an answer in a script that takes more tokens a byte.
 */
export function estimateUsage(promptTokenCount: number, answer: ChatMessage): MessageUsage {
  const contextWindow = findChatModel(answer.metadata?.model ?? "")?.contextWindow ?? Number.POSITIVE_INFINITY;
  const inputTokens = Math.min(promptTokenCount, contextWindow);
  const outputTokens = answer.parts.reduce((sum, p) => sum + (p.type === "text" || p.type === "reasoning" ? outputTokensOf(p.text) : 0), 0);
  return { inputTokens, outputTokens, totalTokens: inputTokens + outputTokens, estimated: true };
}
