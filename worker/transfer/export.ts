import type { Conversation, ConversationDetail } from "../../contract/api";
import type { ChatMessage } from "../../contract/messages";
import { findChatModel } from "../../contract/models";
import type { TreeMessage } from "../store/conversation-tree";
import { CONVERSATION_FORMAT, FORMAT_VERSION, type ConversationExport, type ExportedConversation } from "../../contract/transfer";

/** A conversation with every branch, as the store gives it (UserStore.conversationTree). */
export interface ConversationTreeDump {
  conversation: Conversation;
  messages: TreeMessage[];
  activeLeafId: string | null;
}

/** One conversation in this app's JSON format: every message of every branch with all its metadata. */
export function conversationExport(tree: ConversationTreeDump, now: number): ConversationExport {
  return { format: CONVERSATION_FORMAT, version: FORMAT_VERSION, exportedAt: now, ...exported(tree) };
}

export function exported(tree: ConversationTreeDump): ExportedConversation {
  return {
    conversation: tree.conversation,
    messages: tree.messages.map(({ message, parentId }) => ({ ...message, parentId })),
    activeLeafId: tree.activeLeafId,
  };
}

/** For people: the title, then each message of the branch on screen under who wrote it; answers name their model. */
export function conversationMarkdown(detail: ConversationDetail): string {
  const lines = [
    `# ${oneLine(detail.conversation.title)}`,
    "",
    `_Exported from Workers AI Chat, ${new Date(detail.conversation.updatedAt).toISOString()}_`,
    "",
  ];
  for (const message of detail.messages) {
    lines.push(`## ${heading(message)}`, "", textOf(message) || "_(no text)_", "");
    const status = message.metadata?.status;
    if (status === "stopped") lines.push("_Stopped: partial answer._", "");
    if (status === "failed") lines.push(`_Failed: ${oneLine(message.metadata?.error ?? "the answer broke off.")}_`, "");
  }
  return lines.join("\n");
}

function heading(message: ChatMessage): string {
  if (message.role === "user") return "You";
  const meta = message.metadata;
  const model = meta?.model ? (findChatModel(meta.model)?.label ?? meta.model) : meta?.servedBy;
  return model ? `Assistant · ${oneLine(model)}` : "Assistant";
}

function textOf(message: ChatMessage): string {
  return message.parts.flatMap((p) => (p.type === "text" ? [p.text] : [])).join("\n\n");
}

function oneLine(text: string): string {
  return text.replace(/\s+/g, " ").trim();
}

/** A file name from a title: letters, digits and dashes, never empty, never a path. */
export function fileSlug(title: string): string {
  return (
    title
      .normalize("NFKD")
      .replace(/[^\w\s-]/g, "")
      .trim()
      .toLowerCase()
      .replace(/[\s_-]+/g, "-")
      .slice(0, 60)
      .replace(/-+$/, "") || "conversation"
  );
}
