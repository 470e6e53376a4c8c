import type { ChatSettings, Conversation, ConversationDetail } from "../../contract/api";
import type { ErrorBody } from "../../contract/errors";
import type { ImagePage, ImageRecord } from "../../contract/images-api";
import type { ChatMessage } from "../../contract/messages";
import type { SearchHit } from "../../contract/search";
import type { VisionImage, VisionThread, VisionThreadDetail } from "../../contract/vision-api";
import type { Budgets, Payer } from "../spend/spend";
import type { ThreadKind } from "./answers/run-table";
import type { TreeMessage } from "./conversation-tree";

export type { ThreadKind };

/** A chat turn as the Worker validated it: the Durable Object saves it and answers it. */
export interface ChatTurn {
  conversationId: string;
  /** Only the settings this request names; the rest come from the stored conversation. */
  settings: ChatSettings;
  messages: ChatMessage[];
  /** Documents the request attaches to the conversation before its passages are searched. */
  documentIds?: string[];
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

/**
 * Everything the Worker may ask of a person's Durable Object, defined once: `UserStore` implements
 * it, and the RPC type the routes use is derived from it (./stub.ts).
 */
export interface UserStoreApi {
  listConversations(query?: string): Conversation[];
  /** Full-text search over message text and titles (worker/store/search.ts). */
  searchMessages(query: string): SearchHit[];
  /** The conversation after any title the model is writing for it is saved. */
  conversationWithTitle(id: string): Promise<Conversation | null>;
  conversationIds(): string[];
  visionThreadIds(): string[];
  getConversation(id: string): ConversationDetail | null;
  hasConversation(id: string): boolean;
  /** Every branch of a conversation, each message with its parent, and the leaf on screen (a JSON export). */
  conversationTree(id: string): { conversation: Conversation; messages: TreeMessage[]; activeLeafId: string | null } | null;
  /** Shows another version of a message and the branch last on screen below it; null when either is missing. */
  switchBranch(id: string, messageId: string): ConversationDetail | null;
  /** Writes a whole conversation at once (an import), messages as they are, in tree order (parents first). */
  importConversation(
    id: string,
    title: string,
    settings: ChatSettings,
    messages: TreeMessage[],
    activeLeafId?: string | null,
  ): Conversation;
  updateConversation(id: string, patch: { title?: string; settings?: ChatSettings }): Conversation | null;
  deleteConversation(id: string): boolean;

  /** Answers: start one, rejoin the one running, stop it, or carry on an interrupted one. */
  startChatTurn(turn: ChatTurn): Promise<TurnStart>;
  /** The person's decisions on an answer's tool approvals: that answer carries on (the last message is the answer). */
  approveTurn(turn: ChatTurn): Promise<TurnStart>;
  startVisionTurn(turn: VisionTurn): Promise<TurnStart>;
  continueAnswer(kind: ThreadKind, ownerId: string, payer: TurnPayer, requestId?: string): Promise<TurnStart>;
  /** Whether an answer is being written on the thread right now. */
  isAnswering(kind: ThreadKind, ownerId: string): boolean;
  /** The running answer's stream, replayed from its start; null when none runs. */
  answerStream(kind: ThreadKind, ownerId: string): ReadableStream<Uint8Array> | null;
  /** Stops the running answer and returns it as saved; null when none runs. */
  stopAnswer(kind: ThreadKind, ownerId: string): Promise<ChatMessage | null>;

  saveImage(record: ImageRecord): void;
  checkRoomForImages(count: number): void;
  listImages(cursor: string | undefined, limit: number): ImagePage;
  getImage(id: string): ImageRecord | null;
  deleteImage(id: string): boolean;

  addVisionImage(image: VisionImage): Promise<void>;
  getVisionImage(id: string): VisionImage | null;
  listVisionThreads(query?: string): VisionThread[];
  renameVisionThread(id: string, title: string): VisionThread | null;
  getVisionThread(id: string): VisionThreadDetail | null;
  deleteVisionThread(id: string): { orphanedImageId: string | null } | undefined;

  /** The byte budget over everything the person keeps (worker/store/byte-budget.ts). */
  storageUsage(): { used: number; limit: number };
  /** Refuses (storage_full, or too_large for one thing bigger than the whole budget) when `bytes` would not fit. */
  checkStorageRoom(what: string, bytes: number): void;
  /** A share link's snapshot: counted (or refused) before it is written, named once made, given back when revoked. */
  holdShareBytes(conversationId: string, bytes: number): void;
  shareSaved(conversationId: string, token: string): void;
  releaseShare(by: { token: string } | { conversationId: string }): void;
}
