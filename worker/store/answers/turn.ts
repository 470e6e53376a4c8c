/** What a turn is asked with and answers with: the Worker validates it, the person's Durable Object answers it. */
import type { ChatSettings } from "../../../contract/api";
import type { ErrorBody } from "../../../contract/errors";
import type { ChatMessage } from "../../../contract/messages";
import type { Budgets, Payer } from "../../spend/spend";
import type { ThreadKind } from "./run-table";

export type { ThreadKind };

/** A chat turn as the Worker validated it: the Durable Object saves it and answers it. */
export interface ChatTurn {
  conversationId: string;
  /** Only the settings this request names; the rest come from the stored conversation. */
  settings: ChatSettings;
  messages: ChatMessage[];
  /** Documents the request attaches to the conversation before its passages are searched. */
  documentIds?: string[];
  /** The project a new conversation is made in ("New chat" in a project); ignored once the conversation exists. */
  projectId?: string;
  /** Who pays for the answer (worker/spend/); their user id also names their documents' namespace. */
  payer: TurnPayer;
  /** Whether the title model may name a new conversation (MODEL_TITLES, read by the route like the budgets). */
  modelTitle?: boolean;
  /** The asking request's id, so the answer's log lines carry it. */
  requestId?: string;
  /** The person's time zone (IANA, validated by the route), for the date_time tool. */
  timeZone?: string;
}

/** A vision turn: a question about one of the person's uploaded images. */
export interface VisionTurn {
  /** Who pays for the answer; their user id also names their uploads in R2. */
  payer: TurnPayer;
  threadId: string;
  imageId: string;
  model: string;
  messages: ChatMessage[];
  system?: string;
  temperature?: number;
  maxTokens?: number;
  requestId?: string;
}

/**
 * Who pays for an answer, and the daily budgets the Worker was configured with (the Durable Object
 * reserves against those, so the route's configuration is the one that counts).
 */
export interface TurnPayer extends Payer {
  budgets: Budgets;
}

/** An answer that started (its UI message stream, SSE bytes) or the reason it could not. */
export type TurnStart = { stream: ReadableStream<Uint8Array> } | { error: ErrorBody["error"] };
