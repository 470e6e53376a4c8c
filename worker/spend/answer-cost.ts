import type { ModelMessage } from "ai";
import type { ChatMessage } from "../../contract/messages";
import { findChatModel } from "../../contract/models";
import { answerCost as priceOf } from "../../contract/answer-cost";
import type { Cost } from "../../contract/pricing";
import { modelPromptSize, worstCaseNeurons } from "./estimate";

export { IMAGE_INPUT_TOKENS } from "./estimate";

/**
 * The most an answer can cost: its prompt's worst-case input tokens (worker/spend/estimate.ts: a
 * token a UTF-8 byte, images at their price, capped by the model's context window) plus
 * `maxTokens` of output, at the model's prices. Reserved before the call, so a burst of requests
 * cannot spend past a budget. `extraInputTokens` is input the caller counted beside the messages
 * (the images it attached); images already among the messages' parts are not counted twice.
 */
export function worstCaseAnswer(
  modelId: string,
  prompt: { instructions?: string; messages: ModelMessage[] },
  maxTokens: number,
  extraInputTokens = 0,
): number {
  const model = findChatModel(modelId);
  if (!model) throw new Error(`No price for ${modelId}`);
  const size = modelPromptSize(prompt);
  const input = size.tokens() + Math.max(0, extraInputTokens - size.imageTokens());
  return worstCaseNeurons(model.price, Math.min(input, model.contextWindow), maxTokens);
}

/** What an answer cost, to save with it; nothing is known without usage or a catalog model. */
export function answerCost(modelId: string, answer: ChatMessage, localEngine: boolean): Cost {
  return priceOf(modelId, answer.metadata?.usage, localEngine) ?? { neurons: 0, estimated: true };
}

/** The answer as saved: its metadata carries what it cost. */
export function withCost(answer: ChatMessage, cost: Cost): ChatMessage {
  return { ...answer, metadata: { ...answer.metadata, cost } };
}
