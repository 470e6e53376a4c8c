import { z } from "zod";
import { chatSettingsSchema, uiMessageSchema, type Conversation } from "./api";
import type { ChatMessage } from "./messages";
import { type ExportedProject, exportedProjectSchema } from "./projects";

/**
 * This app's export format, versioned: one conversation with every message and its metadata, or a
 * bundle of them (the archive's conversations.json). `version` changes only when an older reader
 * could misread a newer file.
 */
export const CONVERSATION_FORMAT = "workers-ai-chat/conversation";
export const BUNDLE_FORMAT = "workers-ai-chat/conversations";
export const FORMAT_VERSION = 2;
/** Versions this app reads: 1 (one chain of messages) and 2 (every branch, by parent id). */
export const READABLE_VERSIONS = [1, 2] as const;

/** A message in an export: version 2 names the message it follows (null for a first message). */
export type ExportedMessage = ChatMessage & { parentId?: string | null };

export interface ExportedConversation {
  /** With its project, when it is in one (contract/projects.ts). */
  conversation: Conversation & { project?: ExportedProject };
  /** Every message of every branch, parents before their children. */
  messages: ExportedMessage[];
  /** The last message of the branch on screen. */
  activeLeafId?: string | null;
}

export interface ConversationExport extends ExportedConversation {
  format: typeof CONVERSATION_FORMAT;
  version: typeof FORMAT_VERSION;
  exportedAt: number;
}

export interface ConversationsBundle {
  format: typeof BUNDLE_FORMAT;
  version: typeof FORMAT_VERSION;
  exportedAt: number;
  conversations: ExportedConversation[];
}

export const IMPORT_LIMITS = {
  /** Bytes of one file (the request body). */
  maxBytes: 20_000_000,
  /** Conversations one file may hold. */
  maxConversations: 200,
  /** Messages in all, across the file: each is one write to the person's store. */
  maxMessages: 5_000,
  /** Messages in one conversation (as the chat route allows). */
  maxMessagesPerConversation: 1_000,
  /** Nodes in one ChatGPT conversation's tree, branches included. */
  maxTreeNodes: 20_000,
  /**
   * One request of a batched import (`POST /api/import/batch`): the page unzips and reads the file,
   * then sends it in batches this size, each checked whole by the Worker. Small enough that a batch
   * parsed in the Worker stays far below its 128 MB of memory.
   */
  batchConversations: 25,
  batchBytes: 10_000_000,
} as const;

/** Where a batch's conversations come from: ChatGPT's conversations.json, or this app's JSON or archive. */
export const IMPORT_SOURCES = ["chatgpt", "workers-ai-chat"] as const;
export type ImportSource = (typeof IMPORT_SOURCES)[number];

/**
 * The body of `POST /api/import/batch`: conversations as the file has them (ChatGPT's, or this app's
 * `{ conversation, messages, activeLeafId }`), checked one by one. `version`: this app's file version.
 */
export interface ImportBatchRequest {
  source: ImportSource;
  version?: number;
  conversations: unknown[];
}

/** Why a conversation was not imported, as a code the page counts and a sentence it shows. */
export type ImportSkip = "already_imported" | "empty" | "no_text" | "too_large" | "over_quota" | "invalid" | "failed";

export interface ImportBatchItem {
  /** Its position in the batch. */
  index: number;
  title: string;
  /** Set when imported (or already imported): the conversation's id here. */
  id?: string;
  skipped?: ImportSkip;
  reason?: string;
}

/** What `POST /api/import/batch` answers: one item per conversation sent, in order. */
export interface ImportBatchResult {
  results: ImportBatchItem[];
  /** System, tool and other non-text messages left out of the imported conversations. */
  messagesSkipped: number;
}

/** What `POST /api/import` answers. */
export interface ImportResult {
  conversations: { id: string; title: string }[];
  /** Versions left out. Every branch is imported now, so this stays 0; kept for clients that read it. */
  alternativesSkipped: number;
  /** System, tool and other non-text messages left out. */
  messagesSkipped: number;
  /** One sentence saying all of the above. */
  summary: string;
}

/**
 * Metadata as imported: only the fields this app knows, with their types, so a file cannot put an
 * object where the page renders text. Usage and cost are kept as they were: they record what an
 * answer cost when it was made, and saving one charges no budget (budgets live in worker/spend/).
 */
const metadataSchema = z.object({
  createdAt: z.number().int().nonnegative().optional(),
  model: z.string().max(100).optional(),
  servedBy: z.string().max(200).optional(),
  usage: z
    .object({
      inputTokens: z.number().int().nonnegative().optional(),
      outputTokens: z.number().int().nonnegative().optional(),
      totalTokens: z.number().int().nonnegative().optional(),
      estimated: z.boolean().optional(),
    })
    .optional(),
  cost: z.object({ neurons: z.number().nonnegative(), estimated: z.boolean() }).optional(),
  status: z.enum(["complete", "stopped", "failed"]).optional(),
  error: z.string().max(1000).optional(),
  firstTokenMs: z.number().nonnegative().optional(),
  durationMs: z.number().nonnegative().optional(),
  note: z.string().max(1000).optional(),
});

export const exportedConversationSchema = z.object({
  conversation: z.object({
    /** The id it had where it was exported: a batched import keys on it, so importing it twice adds it once. */
    id: z.string().max(100).optional(),
    title: z.string().trim().min(1).max(200),
    settings: chatSettingsSchema.optional(),
    /** Where it sat in the sidebar (contract/projects.ts); an import puts it back there. */
    project: exportedProjectSchema.nullish(),
    pinned: z.boolean().optional(),
    archived: z.boolean().optional(),
  }),
  messages: z
    .array(uiMessageSchema.extend({ metadata: metadataSchema.optional(), parentId: z.string().max(100).nullish() }))
    .max(IMPORT_LIMITS.maxMessagesPerConversation),
  activeLeafId: z.string().max(100).nullish(),
});
const versionSchema = z.union([z.literal(READABLE_VERSIONS[0]), z.literal(READABLE_VERSIONS[1])], {
  error: `is not a version this app reads (it reads versions ${READABLE_VERSIONS.join(" and ")})`,
});

export const conversationExportSchema = exportedConversationSchema.extend({
  format: z.literal(CONVERSATION_FORMAT),
  version: versionSchema,
});

export const conversationsBundleSchema = z.object({
  format: z.literal(BUNDLE_FORMAT),
  version: versionSchema,
  conversations: z.array(exportedConversationSchema).max(IMPORT_LIMITS.maxConversations),
});
