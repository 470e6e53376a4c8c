import type { ChatMessage, MessageMetadata, MessageUsage } from "../../contract/messages";
import { answerCost, servedLocally } from "../../contract/answer-cost";
import { findChatModel } from "../../contract/models";
import { formatCost } from "../../contract/pricing";

/** An answer's text parts are pieces of one text (a continued answer adds a part), so they join as they are. */
export function messageText(message: ChatMessage): string {
  return message.parts.flatMap((part) => (part.type === "text" ? [part.text] : [])).join("");
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
 * "0.4 s to first token · 38 tokens/s": the rate counts output tokens over the time after the
 * first one (the wait before it is shown on its own). "about" when the token count is estimated.
 */
export function speed(meta: MessageMetadata): string | undefined {
  const { firstTokenMs, durationMs, usage } = meta;
  if (firstTokenMs === undefined) return undefined;
  const first = `${(firstTokenMs / 1000).toFixed(firstTokenMs < 10_000 ? 2 : 1)} s to first token`;
  const streaming = (durationMs ?? 0) - firstTokenMs;
  const output = usage?.outputTokens;
  if (!output || streaming <= 0) return first;
  const rate = output / (streaming / 1000);
  return `${first} · ${usage.estimated ? "about " : ""}${rate >= 100 ? Math.round(rate) : rate.toFixed(1)} tokens/s`;
}

/**
 * "Llama 4 Scout 17B · Workers AI · 12 in · 40 out tokens · 0.40 s to first token · 38.0 tokens/s ·
 * ≈ 4 neurons (≈ $0.000044)": what answered, how fast, and at what cost (the saved cost, or worked out
 * from the stream's usage the same way).
 */
export function answerDetails(message: ChatMessage): string {
  const meta = message.metadata;
  if (!meta) return "";
  const model = meta.model ? (findChatModel(meta.model)?.label ?? meta.model) : undefined;
  const cost = meta.cost ?? answerCost(meta.model, meta.usage, servedLocally(meta.servedBy));
  return [model, meta.servedBy, tokens(meta.usage), speed(meta), cost && formatCost(cost)].filter(Boolean).join(" · ");
}
