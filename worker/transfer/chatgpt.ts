import { z } from "zod";
import type { ChatMessage } from "../../contract/messages";
import { IMPORT_LIMITS } from "../../contract/transfer";
import { ImportRefused, type PlannedConversation } from "./refused";

/**
 * ChatGPT's `conversations.json` (Settings → Data controls → Export): an array of conversations,
 * each a tree of nodes in `mapping` ({ id, message, parent, children }) with `current_node` the
 * leaf of the branch on screen. Until this app keeps branches, the path from the root to
 * `current_node` is imported and every other branch is counted as skipped.
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
      metadata: z.looseObject({ model_slug: z.string().max(100).nullish(), is_visually_hidden_from_conversation: z.boolean().nullish() }).nullish(),
    })
    .nullish(),
});
const conversationSchema = z.looseObject({
  title: z.string().max(1000).nullish(),
  mapping: z.record(id, nodeSchema),
  current_node: id.nullish(),
});
export const chatGptExportSchema = z.array(conversationSchema).min(1, "holds no conversations").max(IMPORT_LIMITS.maxConversations);

type Node = z.infer<typeof nodeSchema>;
type ChatGptConversation = z.infer<typeof conversationSchema>;

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
    const title = conversation.title?.trim().slice(0, 200) || "Imported conversation";
    const where = `conversation ${index + 1} (“${title.slice(0, 60)}”)`;
    const nodes = Object.keys(conversation.mapping).length;
    if (nodes > IMPORT_LIMITS.maxTreeNodes) throw new ImportRefused(`${where} has ${nodes} nodes; at most ${IMPORT_LIMITS.maxTreeNodes} are read.`);
    const path = pathToCurrent(conversation, where);
    const messages: ChatMessage[] = [];
    for (const node of path) {
      const parent = node.parent != null ? conversation.mapping[node.parent] : undefined;
      if (parent) plan.alternativesSkipped += Math.max(0, parent.children.length - 1);
      const message = toMessage(node, messages.length);
      if (message) messages.push(message);
      else if (node.message && node.message.author.role !== "system" && !node.message.metadata?.is_visually_hidden_from_conversation) plan.messagesSkipped++;
    }
    if (messages.length > IMPORT_LIMITS.maxMessagesPerConversation) {
      throw new ImportRefused(`${where} has ${messages.length} messages; a conversation may have at most ${IMPORT_LIMITS.maxMessagesPerConversation}.`);
    }
    plan.conversations.push({ title, settings: {}, messages });
  });
  return plan;
}

/**
 * Root → current_node, following parents from the leaf. A parent that is missing, a loop, or a
 * chain longer than the tree is refused: a hostile file cannot make this walk run forever.
 */
function pathToCurrent(conversation: ChatGptConversation, where: string): Node[] {
  const { mapping } = conversation;
  const start = conversation.current_node ?? lastLeaf(mapping);
  if (start == null) return [];
  const path: Node[] = [];
  const seen = new Set<string>();
  for (let key: string | null | undefined = start; key != null; ) {
    if (seen.has(key)) throw new ImportRefused(`${where} has a loop in its message tree.`);
    seen.add(key);
    const node: Node | undefined = Object.hasOwn(mapping, key) ? mapping[key] : undefined;
    if (!node) throw new ImportRefused(`${where} refers to a message “${key.slice(0, 40)}” that is not in the file.`);
    path.push(node);
    key = node.parent;
  }
  return path.reverse();
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
  const text = (message.content.parts ?? []).filter((p): p is string => typeof p === "string").join("\n\n").trim();
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
