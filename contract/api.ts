import { z } from "zod";
import { CHAT_SETTINGS_LIMITS as L } from "./models";
import type { ChatMessage } from "./messages";
import { CHAT_IMAGE_LIMITS, chatImagePartSchema } from "./chat-images";
import { idSchema } from "./id-schema";
import { TOOL_LIMITS, reasoningEffortSchema, toolKeySchema } from "./tools";

/** Model ids are checked against the catalog by the routes, so a clear "unknown model" error is possible. */
export const modelIdSchema = z
  .string()
  .min(3)
  .max(100)
  .regex(/^@[a-z0-9-]+\/[A-Za-z0-9._/-]+$/, "is not a Workers AI model id");

export const chatSettingsSchema = z.object({
  model: modelIdSchema.optional(),
  system: z.string().max(L.systemPrompt.maxLength).optional(),
  temperature: z.number().min(L.temperature.min).max(L.temperature.max).optional(),
  maxTokens: z.number().int().min(L.maxTokens.min).max(L.maxTokens.max).optional(),
  /**
   * The tools on in this conversation (built-in names and connector tool keys, contract/tools.ts).
   * Unset: every built-in and every connector tool switched on in Settings → Connectors. Sent only to
   * models the catalog flags `tools`.
   */
  tools: z.array(toolKeySchema).max(200).optional(),
  /** Model calls one answer may make while it uses tools (TOOL_LIMITS.maxSteps). */
  maxSteps: z.number().int().min(TOOL_LIMITS.maxSteps.min).max(TOOL_LIMITS.maxSteps.max).optional(),
  /** Tools that run without asking in this conversation ("Always allow this tool in this conversation"). */
  alwaysAllow: z.array(toolKeySchema).max(200).optional(),
  /** For models that take a reasoning effort (the catalog's `reasoningEffort`). */
  reasoningEffort: reasoningEffortSchema.optional(),
  /** The assistant this chat was started from (contract/assistants.ts), so the assistant lists its chats. */
  assistantId: z
    .string()
    .regex(/^[A-Za-z0-9_-]{1,64}$/)
    .optional(),
});
export type ChatSettings = z.infer<typeof chatSettingsSchema>;

const MAX_TEXT = 100_000;

/**
 * Chat messages carry text, and images only by their address in the person's own storage
 * (contract/chat-images.ts): the Worker never fetches a URL a client named (no SSRF) and histories
 * stay small.
 */
const partSchema = z.discriminatedUnion("type", [
  z.object({ type: z.literal("text"), text: z.string().max(MAX_TEXT), state: z.enum(["streaming", "done"]).optional() }),
  z.object({ type: z.literal("reasoning"), text: z.string().max(MAX_TEXT), state: z.enum(["streaming", "done"]).optional() }),
  z.object({ type: z.literal("step-start") }),
  chatImagePartSchema,
]);

/**
 * A tool call as the AI SDK's UI messages carry it (`tool-<name>` for built-ins, `dynamic-tool` for a
 * connector's). The Durable Object answers from its stored copy of every message; what it takes
 * from a client's copy of a tool part is only the person's approval decision (`approval.approved`),
 * matched by the approval id it issued. So the rest is accepted loosely, within size limits.
 */
const toolPartSchema = z.looseObject({
  type: z.string().regex(/^(tool-[A-Za-z0-9_-]{1,64}|dynamic-tool)$/),
  toolCallId: z.string().min(1).max(200),
  toolName: z.string().max(200).optional(),
  state: z.enum([
    "input-streaming",
    "input-available",
    "approval-requested",
    "approval-responded",
    "output-available",
    "output-error",
    "output-denied",
  ]),
  errorText: z.string().max(MAX_TEXT).optional(),
  approval: z
    .object({
      id: z.string().min(1).max(200),
      approved: z.boolean().optional(),
      reason: z.string().max(1000).optional(),
      isAutomatic: z.boolean().optional(),
    })
    .optional(),
});

export const uiMessageSchema = z.object({
  id: z.string().min(1).max(100),
  role: z.enum(["user", "assistant"]),
  parts: z
    .array(z.union([partSchema, toolPartSchema]))
    .max(200)
    .refine(
      (parts) => parts.filter((p) => p.type === "file").length <= CHAT_IMAGE_LIMITS.perMessage,
      `A message may carry at most ${CHAT_IMAGE_LIMITS.perMessage} images.`,
    ),
  metadata: z.record(z.string(), z.unknown()).optional(),
});

/** The body `DefaultChatTransport` sends, plus our optional settings. */
export const chatRequestSchema = chatSettingsSchema.extend({
  id: idSchema,
  messages: z.array(uiMessageSchema).min(1).max(1000),
  trigger: z.enum(["submit-message", "regenerate-message"]).default("submit-message"),
  messageId: z.string().max(100).optional(),
  /** Documents to attach to the conversation before answering (at most DOCUMENT_LIMITS.maxPerConversation). */
  documentIds: z.array(idSchema).max(20).optional(),
  /** The person's time zone (IANA name, e.g. "Europe/Paris"), for the date_time tool; the Worker checks it and falls back to UTC. */
  timeZone: z.string().max(64).optional(),
  /** "New chat" in a project: the conversation this message creates is made in it (ignored once it exists). */
  projectId: idSchema.optional(),
});

export const conversationSchema = z.object({
  id: idSchema,
  title: z.string(),
  createdAt: z.number(),
  updatedAt: z.number(),
  settings: chatSettingsSchema,
  /** Where it sits in the sidebar (contract/projects.ts): its project (null: none), pinned first, archived out of the list. */
  projectId: idSchema.nullable().optional(),
  pinned: z.boolean().optional(),
  archived: z.boolean().optional(),
});
export type Conversation = z.infer<typeof conversationSchema>;

/** `GET /api/conversations/:id`. */
export interface ConversationDetail {
  conversation: Conversation;
  /** The branch on screen, first message to last. */
  messages: ChatMessage[];
  /** Versions (branches): for each message on screen that has others, every version's id, oldest first. */
  siblings?: Record<string, string[]>;
}

/** `POST /api/conversations/:id/branch`: show this version of a message (and the branch last seen below it). */
export const switchBranchSchema = z.object({ messageId: z.string().min(1).max(100) });

export const updateConversationSchema = z
  .object({ title: z.string().trim().min(1).max(200).optional(), settings: chatSettingsSchema.optional() })
  .refine((v) => v.title !== undefined || v.settings !== undefined, "nothing to update");

/**
 * The sidebar's pages (`GET /api/conversations`): the first load gives the newest `unfiled`
 * conversations in no project and each project's newest `perProject` (pinned first), so 2,000
 * conversations in 50 projects never arrive at once; "Show more" asks for a group's next `more`.
 */
export const SIDEBAR_PAGE = { unfiled: 30, perProject: 5, more: 50, maxLimit: 200 } as const;

/**
 * Where a group's next page starts, as the list gave it: the last row's pinned flag, update time and
 * id (the list's order, id breaking ties between rows written in the same millisecond).
 */
export const sidebarCursorSchema = z
  .string()
  .max(100)
  .regex(/^[01]\.\d{1,15}\.[A-Za-z0-9_-]{1,64}$/, "is not a position this list gave; reload the page");

export const listConversationsQuerySchema = z
  .object({
    /** Titles holding these words, archived ones too (search finds everything). */
    q: z.string().max(200).optional(),
    /** One group's next page: a project's id, or "none" for the conversations in no project. */
    project: z.union([z.literal("none"), idSchema]).optional(),
    before: sidebarCursorSchema.optional(),
    limit: z.coerce.number().int().min(1).max(SIDEBAR_PAGE.maxLimit).optional(),
  })
  .refine((v) => !(v.q && v.project), { message: "search (q) and a group's page (project) cannot be asked for together", path: ["q"] })
  .refine((v) => v.project || (!v.before && !v.limit), {
    message: "before and limit need a project (a project's id, or none)",
    path: ["project"],
  });

/** One sidebar group's place in the list: how many it holds, and where its next page starts (null: none). */
export interface SidebarGroup {
  /** null: the conversations in no project. */
  projectId: string | null;
  total: number;
  next: string | null;
}

/** `GET /api/conversations`: the first page of every group; with `project`, that group's next page and `next`. */
export interface ConversationListBody {
  conversations: Conversation[];
  groups?: SidebarGroup[];
  next?: string | null;
}

/** What `GET /api/status` returns: which backend answers, so the UI never pretends. */
export interface BackendStatus {
  kind: "binding" | "rest" | "local-engine";
  label: string;
  /**
   * The caller's daily budget in neurons (limit 0: none), what they have spent or reserved today,
   * and the whole deployment's: its `used` is its `limit` once the caller's ledger found it spent, else 0
   * (the deployment's spend is not tallied on anyone's request path).
   */
  budget: { limit: number; used: number; global: { limit: number; used: number }; resetsInSeconds: number };
  /** The deployment's owner: may open the usage page. */
  owner: boolean;
  /** Set when the local engine answers: what it has loaded, or what a person must do. */
  engine?: { ready: boolean; textModel?: string; problem?: string; images?: CapabilityStatus; vision?: CapabilityStatus };
}

/** One of the local engine's image capabilities: ready, or the sentence saying what is missing. */
export interface CapabilityStatus {
  ready: boolean;
  model?: string;
  problem?: string;
}

/** `GET /api/usage` (owner only): neurons spent per UTC day, newest first, and the budgets that apply. */
export interface UsageReport {
  /** Per IPv4 address or IPv6 /64 (`address`) and per IPv6 /48 (`addressBlock`) too; 0 = none. */
  budgets: { guest: number; account: number; global: number; address: number; addressBlock: number };
  days: {
    day: string;
    /** People's spend as their ledgers last reported it (see `asOf`). */
    total: number;
    guests: number;
    people: { key: string; kind: "account" | "access"; label: string; neurons: number }[];
    /** Neurons of the global budget lent to people's ledgers (what counts against it); unused loans lapse at midnight. */
    leased: number;
  }[];
  /** A sentence saying how current the people's figures are. */
  asOf: string;
}
