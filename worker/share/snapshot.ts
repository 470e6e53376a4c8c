import type { ConversationDetail } from "../../contract/api";
import type { ChatMessage } from "../../contract/messages";
import { findChatModel } from "../../contract/models";
import { SHARE_LIMITS, type SharedConversation, type SharedMessage, type SharedPart, type SharedToolRun } from "../../contract/share-api";
import { generatedImageOf, isToolPart, toolLabelOf, toolResultText, type ToolPart } from "../../contract/tool-parts";

/**
 * What a link shows of a conversation: its title and each message's text, and for answers the
 * model's name and how the answer ended. Left out on purpose: settings and the system prompt,
 * reasoning, usage, who served it, and the owner. Photos sent in chat stay private too (they live in
 * the owner's uploads, which a visitor cannot read); the message says how many were left out, so the
 * visitor knows the question was about a picture. An answer that used tools keeps its parts in order:
 * each tool's name, how it ended and its readable result (text; "an image was generated" with its
 * prompt, the image staying in the owner's gallery), never raw input or output JSON, never a pending
 * approval's buttons (such a call reads "not run").
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
  const parts = message.role === "assistant" && message.parts.some(isToolPart) ? sharedParts(message) : undefined;
  return {
    id: message.id,
    role: message.role === "user" ? "user" : "assistant",
    text,
    ...(parts ? { parts } : {}),
    ...(message.role === "assistant" && model ? { model } : {}),
    ...(message.role === "assistant" && meta?.status ? { status: meta.status } : {}),
    ...(typeof meta?.createdAt === "number" ? { createdAt: meta.createdAt } : {}),
  };
}

function sharedParts(message: ChatMessage): SharedPart[] {
  const parts: SharedPart[] = [];
  for (const part of message.parts) {
    const last = parts.at(-1);
    if (part.type === "text") {
      // A continued answer splits one text over parts: they join as they are, as in the chat.
      if (last?.type === "text") last.text += part.text;
      else if (part.text) parts.push({ type: "text", text: part.text });
    } else if (isToolPart(part)) parts.push(sharedToolRun(part));
  }
  return parts;
}

function sharedToolRun(part: ToolPart): SharedToolRun {
  const label = toolLabelOf(part);
  const cut = (text: string) => (text.length > SHARE_LIMITS.toolResultChars ? `${text.slice(0, SHARE_LIMITS.toolResultChars - 1)}…` : text);
  if (part.state === "output-error") return { type: "tool", label, outcome: "failed", result: cut(part.errorText) };
  if (part.state === "output-denied" || (part.state === "approval-responded" && !part.approval.approved))
    return { type: "tool", label, outcome: "denied" };
  if (part.state !== "output-available") return { type: "tool", label, outcome: "not run" };
  const image = generatedImageOf(part);
  if (image) return { type: "tool", label, outcome: "done", image: image.prompt ? { prompt: image.prompt } : {} };
  const result = toolResultText(part.output);
  return { type: "tool", label, outcome: "done", ...(result ? { result: cut(result) } : {}) };
}
