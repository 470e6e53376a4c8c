import type { z } from "zod";
import type { ChatMessage } from "../../contract/messages";
import { findChatModel } from "../../contract/models";
import {
  BUNDLE_FORMAT,
  CONVERSATION_FORMAT,
  conversationExportSchema,
  conversationsBundleSchema,
  type exportedConversationSchema,
  IMPORT_LIMITS,
  type ImportResult,
} from "../../contract/transfer";
import { chatGptExportSchema, looksLikeChatGpt, planChatGpt } from "./chatgpt";
import { ImportRefused, type PlannedConversation } from "./refused";
import { chain, orderTree } from "./tree";

export interface ImportPlan {
  conversations: PlannedConversation[];
  alternativesSkipped: number;
  messagesSkipped: number;
}

/**
 * Reads a parsed file into a plan, or refuses it whole. Everything is checked here, before the
 * first write: formats, types, sizes, counts, the ChatGPT tree's shape.
 */
export function planImport(data: unknown): ImportPlan {
  let plan: ImportPlan;
  if (looksLikeChatGpt(data)) {
    plan = planChatGpt(parse(chatGptExportSchema, Array.isArray(data) ? data : [data]));
  } else if (isObject(data) && data.format === CONVERSATION_FORMAT) {
    const item = parse(conversationExportSchema, data);
    plan = { conversations: [fromExport(item, where(item, 0))], alternativesSkipped: 0, messagesSkipped: 0 };
  } else if (isObject(data) && data.format === BUNDLE_FORMAT) {
    plan = {
      conversations: parse(conversationsBundleSchema, data).conversations.map((c, i) => fromExport(c, where(c, i))),
      alternativesSkipped: 0,
      messagesSkipped: 0,
    };
  } else if (isObject(data) && typeof data.format === "string") {
    throw new ImportRefused(`its format “${data.format.slice(0, 60)}” is not one this app reads.`);
  } else {
    throw new ImportRefused("it is neither a JSON export of this app nor ChatGPT's conversations.json.");
  }
  if (plan.conversations.length === 0) throw new ImportRefused("it holds no conversations.");
  if (plan.conversations.length > IMPORT_LIMITS.maxConversations)
    throw new ImportRefused(
      `it holds ${plan.conversations.length} conversations; one import takes at most ${IMPORT_LIMITS.maxConversations}.`,
    );
  const total = plan.conversations.reduce((n, c) => n + c.messages.length, 0);
  if (total > IMPORT_LIMITS.maxMessages)
    throw new ImportRefused(
      `it holds ${total} messages; one import takes at most ${IMPORT_LIMITS.maxMessages}. Split the file and import the parts.`,
    );
  return plan;
}

const where = (item: { conversation: { title: string } }, index: number) =>
  `conversation ${index + 1} (“${item.conversation.title.slice(0, 60)}”)`;

/** One conversation of this app's format as a plan, or ImportRefused saying why not (`where` starts the sentence). */
export function fromExport(item: z.infer<typeof exportedConversationSchema>, where: string): PlannedConversation {
  const settings = { ...item.conversation.settings };
  // A model the catalog no longer has would be refused at the next message: start from the default.
  if (settings.model && !findChatModel(settings.model)) delete settings.model;
  // Kept as it was, usage and cost included: saving an answer charges no budget (worker/spend/
  // reserves and settles model calls only), so an import spends nothing today.
  const messages = item.messages.map(({ parentId: _parentId, ...m }) => ({ ...m, metadata: m.metadata ?? {} }) as ChatMessage);
  // A file that names no parents (version 1, or written by hand) is one chain; one that does, a tree.
  const branched = item.messages.some((m) => m.parentId !== undefined);
  const tree = branched ? item.messages.map((m, i) => ({ message: messages[i], parentId: m.parentId ?? null })) : chain(messages);
  const ordered = orderTree(where, tree, item.activeLeafId);
  const { project, pinned, archived } = item.conversation;
  const place = project || pinned || archived ? { project: project ?? undefined, pinned, archived } : undefined;
  return { title: item.conversation.title, settings, messages: ordered.messages, activeLeafId: ordered.activeLeafId, place };
}

export function parse<S extends z.ZodType>(schema: S, data: unknown): z.infer<S> {
  const result = schema.safeParse(data);
  if (result.success) return result.data;
  const issue = result.error.issues[0];
  const where = issue?.path.length ? `${issue.path.join(".")}: ` : "";
  throw new ImportRefused(`${where}${issue?.message ?? "unexpected content"}.`);
}

function isObject(value: unknown): value is Record<string, unknown> {
  return typeof value === "object" && value !== null && !Array.isArray(value);
}

export function summarize(result: Omit<ImportResult, "summary">): string {
  const n = result.conversations.length;
  const parts = [`Imported ${n} conversation${n === 1 ? "" : "s"}.`];
  if (result.messagesSkipped)
    parts.push(
      `${result.messagesSkipped} message${result.messagesSkipped === 1 ? "" : "s"} without text (tools, images, system) ${result.messagesSkipped === 1 ? "was" : "were"} left out.`,
    );
  return parts.join(" ");
}
