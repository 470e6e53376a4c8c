import type { ImportFile } from "./import-file";
import { IMPORT_LIMITS, type ImportBatchItem } from "./transfer";

/** One request of a batched import: which conversations of the file it carries, and its body. */
export interface PlannedBatch {
  indexes: number[];
  body: string;
}

export interface BatchPlan {
  batches: PlannedBatch[];
  /** Conversations too large for any request, skipped before sending (index into the file). */
  skipped: ImportBatchItem[];
  /** Each conversation's title, for the summary (the Worker's answer names the ones it saw). */
  titles: string[];
}

/** Room for the envelope around the conversations ({"source":…,"conversations":[…]}). */
const ENVELOPE_BYTES = 200;

/**
 * Splits a file into the batches `POST /api/import/batch` takes: at most `batchConversations`
 * conversations, `batchBytes` bytes and `maxMessages` messages a request (ChatGPT's nodes are
 * counted, never fewer than the messages the Worker keeps). ChatGPT's conversations are cut down
 * to the fields the Worker reads, first: its export carries pages of metadata per message.
 */
export function planBatches(file: ImportFile): BatchPlan {
  const encoder = new TextEncoder();
  const plan: BatchPlan = { batches: [], skipped: [], titles: [] };
  let current: { indexes: number[]; parts: string[]; bytes: number; messages: number } | null = null;
  const flush = () => {
    if (!current) return;
    const head = JSON.stringify({ source: file.source, ...(file.version === undefined ? {} : { version: file.version }) }).slice(0, -1);
    plan.batches.push({ indexes: current.indexes, body: `${head},"conversations":[${current.parts.join(",")}]}` });
    current = null;
  };
  const room = IMPORT_LIMITS.batchBytes - ENVELOPE_BYTES;

  file.conversations.forEach((raw, index) => {
    const title = titleOf(file, raw, index);
    plan.titles.push(title);
    const text = JSON.stringify(file.source === "chatgpt" ? slimChatGpt(raw) : raw);
    const bytes = encoder.encode(text).byteLength;
    if (bytes > room) {
      plan.skipped.push({
        index,
        title,
        skipped: "too_large",
        reason: `It is ${(bytes / 1e6).toFixed(1)} MB; one conversation may be at most ${room / 1e6} MB.`,
      });
      return;
    }
    const messages = messagesOf(file, raw);
    if (
      current &&
      (current.indexes.length >= IMPORT_LIMITS.batchConversations ||
        current.bytes + bytes + 1 > room ||
        current.messages + messages > IMPORT_LIMITS.maxMessages)
    )
      flush();
    current ??= { indexes: [], parts: [], bytes: 0, messages: 0 };
    current.indexes.push(index);
    current.parts.push(text);
    current.bytes += bytes + 1;
    current.messages += messages;
  });
  flush();
  return plan;
}

function titleOf(file: ImportFile, raw: unknown, index: number): string {
  const record = isObject(raw) ? raw : {};
  const title = file.source === "chatgpt" ? record.title : isObject(record.conversation) ? record.conversation.title : undefined;
  return typeof title === "string" && title.trim() ? title.trim().slice(0, 200) : `Conversation ${index + 1}`;
}

function messagesOf(file: ImportFile, raw: unknown): number {
  if (!isObject(raw)) return 0;
  if (file.source === "chatgpt") return isObject(raw.mapping) ? Object.keys(raw.mapping).length : 0;
  return Array.isArray(raw.messages) ? raw.messages.length : 0;
}

/**
 * A ChatGPT conversation with only what worker/transfer/chatgpt.ts reads: ids, the tree, roles,
 * times, text parts, the model's name and the hidden flag. Anything unexpected is passed on as it
 * is, for the Worker to refuse with its reason.
 */
export function slimChatGpt(raw: unknown): unknown {
  if (!isObject(raw) || !isObject(raw.mapping)) return raw;
  const mapping: Record<string, unknown> = {};
  for (const [key, node] of Object.entries(raw.mapping)) {
    mapping[key] = isObject(node) ? { parent: node.parent, children: node.children, message: slimMessage(node.message) } : node;
  }
  return { id: raw.id, conversation_id: raw.conversation_id, title: raw.title, current_node: raw.current_node, mapping };
}

function slimMessage(message: unknown): unknown {
  if (!isObject(message)) return message;
  const { content, metadata, author } = message;
  return {
    id: message.id,
    author: isObject(author) ? { role: author.role } : author,
    create_time: message.create_time,
    content: isObject(content)
      ? {
          content_type: content.content_type,
          parts: Array.isArray(content.parts) ? content.parts.filter((p) => typeof p === "string") : content.parts,
        }
      : content,
    metadata: isObject(metadata)
      ? { model_slug: metadata.model_slug, is_visually_hidden_from_conversation: metadata.is_visually_hidden_from_conversation }
      : metadata,
  };
}

function isObject(value: unknown): value is Record<string, unknown> {
  return typeof value === "object" && value !== null && !Array.isArray(value);
}
