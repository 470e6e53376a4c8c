import type { ConversationDetail } from "../../contract/api";
import type { ChatMessage } from "../../contract/messages";
import { findChatModel } from "../../contract/models";
import type { SharedConversation, SharedMessage } from "../../contract/share-api";

/**
 * What a link shows of a conversation: its title and each message's text, and for answers the
 * model's name and how the answer ended. Left out on purpose: settings and the system prompt,
 * reasoning, usage, who served it, and the owner. Chat messages carry no images yet, so there is
 * nothing for an "include images" choice to cover; when they do, images join only by that choice.
 */
export function snapshotOf(detail: ConversationDetail, now: number): SharedConversation {
  return {
    title: detail.conversation.title,
    sharedAt: now,
    messages: detail.messages.filter((m) => m.role !== "system").map(sharedMessage),
  };
}

function sharedMessage(message: ChatMessage): SharedMessage {
  const meta = message.metadata;
  const text = message.parts.flatMap((p) => (p.type === "text" ? [p.text] : [])).join("\n\n");
  const model = meta?.model ? (findChatModel(meta.model)?.label ?? meta.model) : undefined;
  return {
    id: message.id,
    role: message.role === "user" ? "user" : "assistant",
    text,
    ...(message.role === "assistant" && model ? { model } : {}),
    ...(message.role === "assistant" && meta?.status ? { status: meta.status } : {}),
    ...(typeof meta?.createdAt === "number" ? { createdAt: meta.createdAt } : {}),
  };
}
