import type { ConversationDetail } from "../../contract/api";
import type { ChatMessage } from "../../contract/messages";
import { findChatModel } from "../../contract/models";
import type { SharedConversation, SharedMessage } from "../../contract/share-api";

/**
 * What a link shows of a conversation: its title and each message's text, and for answers the
 * model's name and how the answer ended. Left out on purpose: settings and the system prompt,
 * reasoning, usage, who served it, and the owner. Photos sent in chat stay private too (they live in
 * the owner's uploads, which a visitor cannot read); the message says how many were left out, so the
 * visitor knows the question was about a picture.
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
  const photos = message.parts.filter((p) => p.type === "file").length;
  const texts = message.parts.flatMap((p) => (p.type === "text" ? [p.text] : []));
  if (photos) texts.push(`(${photos === 1 ? "a photo" : `${photos} photos`} not shared)`);
  const text = texts.join("\n\n");
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
