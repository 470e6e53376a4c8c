import { z } from "zod";
import type { ChatMessage } from "../../contract/messages";
import { IMPORT_LIMITS } from "../../contract/transfer";
import { ImportRefused, type PlannedConversation } from "./refused";
import { orderTree } from "./tree";

/**
 * ChatGPT's `conversations.json` (Settings → Data controls → Export): an array of conversations,
 * each a tree of nodes in `mapping` ({ id, message, parent, children }) with `current_node` the
 * leaf of the branch on screen. The tree is imported as this app's branches (every version of an
 * answer or a question), and `current_node` as the branch on screen.
 */
const id = z.string().max(200);
const nodeSchema = z.looseObject({
  parent: id.nullish(),
  children: z.array(id).max(IMPORT_LIMITS.maxTreeNodes).default([]),
  message: z
    .looseObject({
      id: id.optional(),
      author: z.looseObject({ role: z.string().max(50) }),
      create_time: z.number().nullish(),
      content: z.looseObject({ content_type: z.string().max(100).optional(), parts: z.array(z.unknown()).max(1000).optional() }),
      metadata: z
        .looseObject({ model_slug: z.string().max(100).nullish(), is_visually_hidden_from_conversation: z.boolean().nullish() })
        .nullish(),
    })
    .nullish(),
});
export const chatGptConversationSchema = z.looseObject({
  /** ChatGPT's conversation id (both fields carry it): a batched import keys on it. */
  id: id.nullish(),
  conversation_id: id.nullish(),
  title: z.string().max(1000).nullish(),
  mapping: z.record(id, nodeSchema),
  current_node: id.nullish(),
});
export const chatGptExportSchema = z.array(chatGptConversationSchema).min(1, "holds no conversations").max(IMPORT_LIMITS.maxConversations);

type Node = z.infer<typeof nodeSchema>;
export type ChatGptConversation = z.infer<typeof chatGptConversationSchema>;

export function looksLikeChatGpt(data: unknown): boolean {
  const first = Array.isArray(data) ? data[0] : data;
  return typeof first === "object" && first !== null && "mapping" in first;
}

export interface ChatGptPlan {
  conversations: PlannedConversation[];
  alternativesSkipped: number;
  messagesSkipped: number;
}

export function planChatGpt(conversations: ChatGptConversation[]): ChatGptPlan {
  const plan: ChatGptPlan = { conversations: [], alternativesSkipped: 0, messagesSkipped: 0 };
  conversations.forEach((conversation, index) => {
    const title = chatGptTitle(conversation);
    const planned = planChatGptConversation(conversation, `conversation ${index + 1} (“${title.slice(0, 60)}”)`);
    plan.conversations.push(planned.conversation);
    plan.messagesSkipped += planned.messagesSkipped;
  });
  return plan;
}

export function chatGptTitle(conversation: { title?: string | null }): string {
  return conversation.title?.trim().slice(0, 200) || "Imported conversation";
}

/** One conversation's tree as this app's messages, or ImportRefused saying why it cannot be (`where` starts the sentence). */
export function planChatGptConversation(
  conversation: ChatGptConversation,
  where: string,
): { conversation: PlannedConversation; messagesSkipped: number } {
  const title = chatGptTitle(conversation);
  const { mapping } = conversation;
  const nodes = Object.keys(mapping).length;
  if (nodes > IMPORT_LIMITS.maxTreeNodes)
    throw new ImportRefused(`${where} has ${nodes} nodes; at most ${IMPORT_LIMITS.maxTreeNodes} are read.`, "too_large");

  // Every node with text becomes a message; the others (the empty root, system, tools) are left
  // out and their children hang from the nearest message above them.
  let messagesSkipped = 0;
  const kept = new Map<string, ChatMessage>();
  for (const [key, node] of Object.entries(mapping)) {
    const message = toMessage(node, kept.size);
    if (message) kept.set(key, message);
    else if (node.message && node.message.author.role !== "system" && !node.message.metadata?.is_visually_hidden_from_conversation)
      messagesSkipped++;
  }
  if (kept.size > IMPORT_LIMITS.maxMessagesPerConversation) {
    throw new ImportRefused(
      `${where} has ${kept.size} messages; a conversation may have at most ${IMPORT_LIMITS.maxMessagesPerConversation}.`,
      "too_large",
    );
  }
  const above = keptAncestors(mapping, kept, where);
  const tree = [...kept].map(([key, message]) => ({ message, parentId: above(mapping[key].parent) }));
  const current = conversation.current_node ?? lastLeaf(mapping);
  const ordered = orderTree(where, tree, current == null ? null : above(current));
  return { conversation: { title, settings: {}, messages: ordered.messages, activeLeafId: ordered.activeLeafId }, messagesSkipped };
}

/**
 * For a node, the id of the nearest kept message at or above it (null: none). A parent that is
 * missing or a loop is refused: a hostile file cannot make this walk run forever. Each node is
 * walked once (answers are remembered), so a long chain costs its length, not its square.
 */
function keptAncestors(
  mapping: Record<string, Node>,
  kept: Map<string, ChatMessage>,
  where: string,
): (key: string | null | undefined) => string | null {
  const known = new Map<string, string | null>();
  return (start) => {
    const walked = new Set<string>();
    let found: string | null = null;
    for (let key = start; key != null; ) {
      if (known.has(key)) {
        found = known.get(key)!;
        break;
      }
      if (walked.has(key)) throw new ImportRefused(`${where} has a loop in its message tree.`);
      const node: Node | undefined = Object.hasOwn(mapping, key) ? mapping[key] : undefined;
      if (!node) throw new ImportRefused(`${where} refers to a message “${key.slice(0, 40)}” that is not in the file.`);
      const message = kept.get(key);
      if (message) {
        found = message.id;
        break;
      }
      walked.add(key);
      key = node.parent;
    }
    for (const key of walked) known.set(key, found);
    return found;
  };
}

/** With no current_node, the newest leaf: what ChatGPT would show. */
function lastLeaf(mapping: Record<string, Node>): string | undefined {
  let best: { key: string; time: number } | undefined;
  for (const [key, node] of Object.entries(mapping)) {
    if (node.children.length) continue;
    const time = node.message?.create_time ?? 0;
    if (!best || time >= best.time) best = { key, time };
  }
  return best?.key;
}

/** A user or assistant message with text; null for everything else (system, tools, images only). */
function toMessage(node: Node, position: number): ChatMessage | null {
  const message = node.message;
  if (!message || message.metadata?.is_visually_hidden_from_conversation) return null;
  const role = message.author.role;
  if (role !== "user" && role !== "assistant") return null;
  const type = message.content.content_type ?? "text";
  if (type !== "text" && type !== "multimodal_text") return null;
  const text = (message.content.parts ?? [])
    .filter((p): p is string => typeof p === "string")
    .join("\n\n")
    .trim();
  if (!text) return null;
  const createdAt = typeof message.create_time === "number" && message.create_time > 0 ? Math.round(message.create_time * 1000) : undefined;
  const slug = message.metadata?.model_slug;
  return {
    id: safeId(message.id, position),
    role,
    parts: [{ type: "text", text }],
    metadata: {
      ...(createdAt ? { createdAt } : {}),
      ...(role === "assistant" ? { servedBy: slug ? `ChatGPT · ${slug}` : "ChatGPT", status: "complete" as const } : {}),
    },
  };
}

function safeId(raw: string | undefined, position: number): string {
  return raw && /^[A-Za-z0-9_-]{1,100}$/.test(raw) ? raw : `imported-${position}-${crypto.randomUUID()}`;
}
