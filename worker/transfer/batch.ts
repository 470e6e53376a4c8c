import { z } from "zod";
import { AppError } from "../../contract/errors";
import { randomId, toBase64Url } from "../../contract/ids";
import {
  exportedConversationSchema,
  IMPORT_LIMITS,
  IMPORT_SOURCES,
  type ImportBatchItem,
  type ImportBatchResult,
  type ImportSource,
  READABLE_VERSIONS,
} from "../../contract/transfer";
import { fromQuotaRefusal } from "../quota-refusal";
import type { UserStoreRpc } from "../store/stub";
import { chatGptConversationSchema, chatGptTitle, planChatGptConversation } from "./chatgpt";
import { fromExport, parse } from "./plan";
import { ImportRefused, type PlannedConversation } from "./refused";

/** The envelope of one batch; each conversation in it is checked on its own below. */
export const importBatchSchema = z.object({
  source: z.enum(IMPORT_SOURCES),
  version: z.number().int().optional(),
  conversations: z
    .array(z.unknown())
    .min(1, "holds no conversations")
    .max(IMPORT_LIMITS.batchConversations, `holds more than ${IMPORT_LIMITS.batchConversations} conversations; send fewer at a time`),
});
export type ImportBatch = z.infer<typeof importBatchSchema>;

type Planned = { index: number; title: string; sourceId: string | null; plan: PlannedConversation };

/**
 * One batch of a large import (the page sends a file as many of these). Unlike a whole-file import
 * it is not all or nothing: each conversation is checked and written on its own, and one that
 * cannot be (empty, no text, too large, over the person's quotas, malformed) is skipped with the
 * sentence saying why, so one bad conversation never costs the other 211. A conversation that
 * names its id at the source (ChatGPT's conversation id, this app's conversation id) gets an id
 * derived from it, so importing the same file twice adds each conversation once.
 */
export async function importBatch(store: UserStoreRpc, batch: ImportBatch): Promise<ImportBatchResult> {
  if (
    batch.source === "workers-ai-chat" &&
    batch.version !== undefined &&
    !(READABLE_VERSIONS as readonly number[]).includes(batch.version)
  )
    throw new ImportRefused(
      `its version ${batch.version} is not one this app reads (it reads versions ${READABLE_VERSIONS.join(" and ")}).`,
    );
  const results: ImportBatchItem[] = [];
  const planned: Planned[] = [];
  let messagesSkipped = 0;
  batch.conversations.forEach((raw, index) => {
    const title = rawTitle(batch.source, raw, index);
    try {
      const item = planOne(batch.source, raw);
      messagesSkipped += item.messagesSkipped;
      if (item.skip) results.push({ index, title, skipped: item.skip.kind, reason: item.skip.reason });
      else planned.push({ index, title: item.plan.title, sourceId: item.sourceId, plan: item.plan });
    } catch (error) {
      if (!(error instanceof ImportRefused)) throw error;
      results.push({ index, title, skipped: error.kind, reason: error.detail });
    }
  });
  const messages = planned.reduce((n, p) => n + p.plan.messages.length, 0);
  if (messages > IMPORT_LIMITS.maxMessages)
    throw new AppError(
      "import_invalid",
      `This batch holds ${messages} messages; one request takes at most ${IMPORT_LIMITS.maxMessages}. Send fewer conversations at a time.`,
    );

  const existing = new Set(await store.conversationIds());
  for (const { index, title, sourceId, plan } of planned) {
    const id = sourceId === null ? randomId() : await importedId(batch.source, sourceId);
    if (existing.has(id)) {
      results.push({ index, title, id, skipped: "already_imported", reason: "It was imported before and is in your conversations." });
      continue;
    }
    try {
      await store.importConversation(id, plan.title, plan.settings, plan.messages, plan.activeLeafId);
      if (plan.place) await store.placeImported(id, plan.place);
      existing.add(id);
      results.push({ index, title, id });
    } catch (error) {
      results.push({ index, title, ...writeRefusal(error, id) });
    }
  }
  return { results: results.sort((a, b) => a.index - b.index), messagesSkipped };
}

function planOne(
  source: ImportSource,
  raw: unknown,
):
  | { plan: PlannedConversation; sourceId: string | null; messagesSkipped: number; skip?: undefined }
  | {
      skip: { kind: "empty" | "no_text"; reason: string };
      messagesSkipped: number;
    } {
  if (source === "chatgpt") {
    const conversation = readable(chatGptConversationSchema, raw);
    const { conversation: plan, messagesSkipped } = planChatGptConversation(conversation, "It");
    if (plan.messages.length === 0) {
      const hasMessages = Object.values(conversation.mapping).some((node) => node.message && node.message.author.role !== "system");
      return hasMessages
        ? {
            skip: { kind: "no_text", reason: "It has no text messages (only images, files, tools or system messages)." },
            messagesSkipped: 0,
          }
        : { skip: { kind: "empty", reason: "It has no messages." }, messagesSkipped: 0 };
    }
    return { plan, sourceId: conversation.id ?? conversation.conversation_id ?? null, messagesSkipped };
  }
  const item = readable(exportedConversationSchema, raw);
  if (item.messages.length === 0) return { skip: { kind: "empty", reason: "It has no messages." }, messagesSkipped: 0 };
  return { plan: fromExport(item, "It"), sourceId: item.conversation.id ?? null, messagesSkipped: 0 };
}

function readable<S extends z.ZodType>(schema: S, raw: unknown): z.infer<S> {
  try {
    return parse(schema, raw);
  } catch (error) {
    throw error instanceof ImportRefused ? new ImportRefused(`It cannot be read: ${error.detail}`) : error;
  }
}

/** The title a person recognises, even for a conversation that could not be read. */
function rawTitle(source: ImportSource, raw: unknown, index: number): string {
  const record = (value: unknown) => (typeof value === "object" && value !== null ? (value as Record<string, unknown>) : {});
  const title = source === "chatgpt" ? record(raw).title : record(record(raw).conversation).title;
  if (source === "chatgpt") return chatGptTitle({ title: typeof title === "string" ? title : null });
  return typeof title === "string" && title.trim() ? title.trim().slice(0, 200) : `Conversation ${index + 1}`;
}

/**
 * The id a conversation gets here, from its id at the source: the same file imported again finds
 * it. Hashed, not kept, so it has this app's id shape whatever the source's was, and importing a
 * conversation of this app into the account it came from makes one copy rather than nothing.
 */
export async function importedId(source: ImportSource, sourceId: string): Promise<string> {
  const digest = await crypto.subtle.digest("SHA-256", new TextEncoder().encode(`import:${source}:${sourceId}`));
  return toBase64Url(new Uint8Array(digest).slice(0, 16));
}

/** A write the store refused: over a quota, or already there (a parallel import of the same file won the race). */
function writeRefusal(error: unknown, id: string): Pick<ImportBatchItem, "id" | "skipped" | "reason"> {
  const quota = fromQuotaRefusal(error);
  if (quota)
    return {
      skipped: quota.code === "storage_full" || quota.code === "quota_exceeded" ? "over_quota" : "too_large",
      reason: quota.message,
    };
  if (error instanceof Error && error.message === ALREADY)
    return { id, skipped: "already_imported", reason: "It was imported before and is in your conversations." };
  throw error;
}

/** UserStore.importConversation's refusal of an id it already has. */
const ALREADY = "That conversation already exists.";
