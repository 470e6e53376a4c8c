import type { ModelMessage } from "ai";
import type { ChatMessage } from "../../contract/messages";
import { findChatModel } from "../../contract/models";
import { answerCost as priceOf } from "../../contract/answer-cost";
import { tokenCost, type Cost } from "../../contract/pricing";
import { estimateTokens } from "../ai/estimate-usage";

/**
 * Vision models bill an attached image as input tokens; Cloudflare has stated "between 1,601 and
 * 6,404 tokens" per image (its earlier pricing page), so the worst case takes the top of that range.
 */
export const IMAGE_INPUT_TOKENS = 6_404;

/**
 * The most an answer can cost: its prompt (about four characters a token) plus `maxTokens` of output,
 * at the model's prices. Reserved before the call, so a burst of requests cannot spend past a budget.
 */
export function worstCaseAnswer(
  modelId: string,
  prompt: { instructions?: string; messages: ModelMessage[] },
  maxTokens: number,
  extraInputTokens = 0,
): number {
  const model = findChatModel(modelId);
  if (!model) throw new Error(`No price for ${modelId}`);
  return tokenCost(model.price, estimateTokens(prompt) + extraInputTokens, maxTokens);
}

/** What an answer cost, to save with it; nothing is known without usage or a catalog model. */
export function answerCost(modelId: string, answer: ChatMessage, localEngine: boolean): Cost {
  return priceOf(modelId, answer.metadata?.usage, localEngine) ?? { neurons: 0, estimated: true };
}

/** The answer as saved: its metadata carries what it cost. */
export function withCost(answer: ChatMessage, cost: Cost): ChatMessage {
  return { ...answer, metadata: { ...answer.metadata, cost } };
}
