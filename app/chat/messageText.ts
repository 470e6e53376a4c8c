import type { ChatMessage, MessageUsage } from "../../contract/messages";
import { answerCost, servedLocally } from "../../contract/answer-cost";
import { findChatModel } from "../../contract/models";
import { formatCost } from "../../contract/pricing";

export function messageText(message: ChatMessage): string {
  return message.parts
    .flatMap((part) => (part.type === "text" ? [part.text] : []))
    .join("\n\n");
}

function tokens(usage: MessageUsage | undefined): string | undefined {
  if (!usage) return undefined;
  const { inputTokens, outputTokens, totalTokens } = usage;
  const about = usage.estimated ? "about " : "";
  if (inputTokens !== undefined && outputTokens !== undefined) return `${about}${inputTokens} in · ${outputTokens} out tokens`;
  if (totalTokens !== undefined) return `${about}${totalTokens} tokens`;
  return outputTokens !== undefined ? `${about}${outputTokens} tokens` : undefined;
}

/**
 * "Llama 4 Scout 17B · Workers AI · 12 in · 40 out tokens · ≈ 4 neurons (≈ $0.000044)": what
 * answered, and at what cost (the saved cost, or worked out from the stream's usage the same way).
 */
export function answerDetails(message: ChatMessage): string {
  const meta = message.metadata;
  if (!meta) return "";
  const model = meta.model ? (findChatModel(meta.model)?.label ?? meta.model) : undefined;
  const cost = meta.cost ?? answerCost(meta.model, meta.usage, servedLocally(meta.servedBy));
  return [model, meta.servedBy, tokens(meta.usage), cost && formatCost(cost)].filter(Boolean).join(" · ");
}
