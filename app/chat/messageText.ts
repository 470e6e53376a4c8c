import type { ChatMessage, MessageUsage } from "../../contract/messages";
import { findChatModel } from "../../contract/models";

/** An answer's text parts are pieces of one text (a continued answer adds a part), so they join as they are. */
export function messageText(message: ChatMessage): string {
  return message.parts
    .flatMap((part) => (part.type === "text" ? [part.text] : []))
    .join("");
}

function tokens(usage: MessageUsage | undefined): string | undefined {
  if (!usage) return undefined;
  const { inputTokens, outputTokens, totalTokens } = usage;
  const about = usage.estimated ? "about " : "";
  if (inputTokens !== undefined && outputTokens !== undefined) return `${about}${inputTokens} in · ${outputTokens} out tokens`;
  if (totalTokens !== undefined) return `${about}${totalTokens} tokens`;
  return outputTokens !== undefined ? `${about}${outputTokens} tokens` : undefined;
}

/** "Llama 4 Scout 17B · Local engine · stories260K.gguf · 12 in · 40 out tokens": what answered, and at what cost. */
export function answerDetails(message: ChatMessage): string {
  const meta = message.metadata;
  if (!meta) return "";
  const model = meta.model ? (findChatModel(meta.model)?.label ?? meta.model) : undefined;
  return [model, meta.servedBy, tokens(meta.usage)].filter(Boolean).join(" · ");
}
