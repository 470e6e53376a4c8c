import { DurableObject } from "cloudflare:workers";
import { convertToModelMessages, type ModelMessage } from "ai";
import type { ChatSettings, Conversation, ConversationDetail } from "../../contract/api";
import { AppError } from "../../contract/errors";
import type { ChatMessage, MessageMetadata } from "../../contract/messages";
import type { ImagePage, ImageRecord } from "../../contract/images-api";
import { DEFAULT_CHAT_MODEL, findChatModel } from "../../contract/models";
import { LICENCE_ACCEPTED_NOTE, type VisionImage } from "../../contract/vision-api";
import { promptChars } from "../ai/estimate-usage";
import { resolveAiBackend, type AiBackend } from "../ai/seam";
import { toAppError } from "../http/errors";
import { randomId } from "../http/ids";
import { withRequestId } from "../http/log";
import { visionBinding } from "../vision/binding";
import { uploadKey } from "../vision/uploads";
import type { ChatTurn, ThreadKind, TurnStart, UserStoreApi, VisionTurn } from "./api";
import { AnswerSpend } from "./answer-spend";
import { chunksOf } from "./answers/assemble";
import { Answers, type AnswerPlan } from "./answers/answers";
import { RunTable } from "./answers/run-table";
import { ImageTable } from "./images";
import { MessageLog } from "./message-log";
import { migrate } from "./schema";
import { titleFrom } from "./title";
import { UsageTable } from "./usage";
import { VisionTables } from "./vision";

/** What the model is told when asked to carry on an interrupted answer; not saved as a message. */
const CONTINUE_PROMPT = "Your previous answer was cut off. Continue it exactly where it stopped, without repeating anything.";

/**
 * One Durable Object per person, holding their conversations, images and vision threads in its own
 * SQLite database, and writing their answers: the model call runs here, not in the request, so an
 * answer outlives the tab that asked. Isolation comes from the addressing: a person can only reach
 * the object named by their own signed identity, so no query here needs an owner column.
 */
export class UserStore extends DurableObject<Env> implements UserStoreApi {
  private readonly sql: SqlStorage;
  private readonly vision: VisionTables;
  private readonly images: ImageTable;
  private readonly usage: UsageTable;
  private readonly chatLog: MessageLog;
  private readonly runs: RunTable;
  private readonly spend: AnswerSpend;
  private readonly answers: Answers;

  constructor(ctx: DurableObjectState, env: Env) {
    super(ctx, env);
    this.sql = ctx.storage.sql;
    migrate(ctx.storage);
    this.chatLog = new MessageLog(this.sql, { owners: "conversations", messages: "messages", ownerColumn: "conversation_id" });
    this.vision = new VisionTables(ctx.storage);
    this.images = new ImageTable(this.sql);
    this.usage = new UsageTable(this.sql);
    this.runs = new RunTable(this.sql);
    this.spend = new AnswerSpend(this.usage, Number(env.DAILY_TOKEN_BUDGET) || 0);
    this.answers = new Answers(ctx, this.runs, (kind, ownerId, message) => this.saveAnswer(kind, ownerId, message));
    // A fresh object has no answer running: a run row left behind died with the previous one.
    this.answers.recoverInterrupted();
  }

  usageToday(): number {
    return this.usage.today();
  }

  // Conversations.

  listConversations(query?: string): Conversation[] {
    const rows = query?.trim()
      ? this.sql.exec<ConversationRow>(
          `SELECT * FROM conversations WHERE title LIKE ? ESCAPE '\\' ORDER BY updated_at DESC LIMIT 200`,
          `%${query.trim().replace(/[\\%_]/g, (m) => `\\${m}`)}%`,
        )
      : this.sql.exec<ConversationRow>(`SELECT * FROM conversations ORDER BY updated_at DESC LIMIT 200`);
    return rows.toArray().map(toConversation);
  }

  getConversation(id: string): ConversationDetail | null {
    const row = this.conversationRow(id);
    if (!row) return null;
    return { conversation: toConversation(row), messages: this.chatLog.read(id) };
  }

  updateConversation(id: string, patch: { title?: string; settings?: ChatSettings }): Conversation | null {
    const row = this.conversationRow(id);
    if (!row) return null;
    const title = patch.title ?? row.title;
    const settings = patch.settings ? { ...parseSettings(row.settings), ...patch.settings } : parseSettings(row.settings);
    this.sql.exec(`UPDATE conversations SET title = ?, settings = ?, updated_at = ? WHERE id = ?`, title, JSON.stringify(settings), Date.now(), id);
    return toConversation(this.sql.exec<ConversationRow>(`SELECT * FROM conversations WHERE id = ?`, id).one());
  }

  deleteConversation(id: string): boolean {
    // Nobody will read its answer: stop spending on it (a deleted thread is never resurrected).
    void this.answers.running("chat", id)?.stop();
    return this.ctx.storage.transactionSync(() => {
      this.chatLog.deleteAll(id);
      return this.sql.exec(`DELETE FROM conversations WHERE id = ?`, id).rowsWritten > 0;
    });
  }

  // Answers.

  startChatTurn(turn: ChatTurn): Promise<TurnStart> {
    return withRequestId(turn.requestId, async () => {
      const refused = this.spend.reserve();
      if (refused) return refusal(refused);
      const row = this.conversationRow(turn.conversationId);
      const settings: ChatSettings = { ...(row ? parseSettings(row.settings) : {}), ...turn.settings };
      const model = settings.model ?? DEFAULT_CHAT_MODEL;
      // A stored model the catalog has since dropped (the Worker checked the request's own).
      if (!findChatModel(model)) return refusal(new AppError("unknown_model", `There is no chat model called ${model}. Pick one from the list.`));
      const modelMessages = await convertToModelMessages(turn.messages);
      await this.answers.stopAll("chat", turn.conversationId);

      const backend = resolveAiBackend(this.env);
      const plan = this.plan("chat", turn.conversationId, backend, {
        model,
        history: turn.messages,
        modelMessages,
        instructions: settings.system,
        temperature: settings.temperature,
        maxTokens: settings.maxTokens,
      });
      // The question is saved before the model is called: it is never lost to a failed answer.
      this.ctx.storage.transactionSync(() => {
        this.saveConversation(turn.conversationId, turn.settings, turn.messages);
        this.runs.begin("chat", turn.conversationId, plan.messageId, plan.promptChars);
      });
      return { stream: this.answers.start(plan).listen() };
    });
  }

  startVisionTurn(turn: VisionTurn): Promise<TurnStart> {
    return withRequestId(turn.requestId, async () => {
      const refused = this.spend.reserve();
      if (refused) return refusal(refused);
      const existing = this.vision.threadImage(turn.threadId);
      if (existing && existing !== turn.imageId) return refusal(new AppError("bad_request", "This thread is about another image. Start a new thread for a new image."));
      const image = await this.loadVisionImage(turn.userId, turn.imageId);
      if (!image) return refusal(new AppError("not_found", "That image does not exist."));
      const modelMessages = withImage(await convertToModelMessages(turn.messages), image.bytes, image.record.mediaType);
      await this.answers.stopAll("vision", turn.threadId);

      const metadata: MessageMetadata = {};
      const backend = this.visionBackend(metadata);
      const plan = this.plan("vision", turn.threadId, backend, {
        metadata,
        model: turn.model,
        history: turn.messages,
        modelMessages,
        instructions: turn.system,
        temperature: turn.temperature,
        maxTokens: turn.maxTokens,
      });
      this.ctx.storage.transactionSync(() => {
        this.vision.saveHistory(turn.threadId, turn.imageId, turn.model, turn.messages);
        this.runs.begin("vision", turn.threadId, plan.messageId, plan.promptChars);
      });
      return { stream: this.answers.start(plan).listen() };
    });
  }

  /**
   * Carries on an interrupted answer: the model gets the thread with the answer so far and is asked
   * to continue it; the new text is added to the same message, which streams from its start.
   */
  continueAnswer(kind: ThreadKind, ownerId: string, userId: string, requestId?: string): Promise<TurnStart> {
    return withRequestId(requestId, async () => {
      const refused = this.spend.reserve();
      if (refused) return refusal(refused);
      if (this.answers.running(kind, ownerId)) return refusal(new AppError("bad_request", "An answer is still being written here. Wait for it or stop it first."));
      const found = kind === "chat" ? this.getConversation(ownerId) : this.vision.getThread(ownerId);
      const answer = found?.messages.at(-1);
      if (!found || !answer) return refusal(new AppError("not_found", kind === "chat" ? "That conversation does not exist." : "That vision thread does not exist."));
      if (answer.role !== "assistant" || answer.metadata?.status !== "interrupted") return refusal(new AppError("bad_request", "Only an interrupted answer can be continued."));

      const earlier = found.messages.slice(0, -1);
      let modelMessages: ModelMessage[] = [...(await convertToModelMessages(found.messages)), { role: "user", content: CONTINUE_PROMPT }];
      let backend: AiBackend;
      let settings: ChatSettings;
      const metadata: MessageMetadata = {};
      if (kind === "vision" && "thread" in found) {
        const image = await this.loadVisionImage(userId, found.thread.imageId);
        if (!image) return refusal(new AppError("not_found", "That image does not exist."));
        modelMessages = withImage(modelMessages, image.bytes, image.record.mediaType);
        backend = this.visionBackend(metadata);
        settings = { model: found.thread.model };
      } else {
        backend = resolveAiBackend(this.env);
        settings = "conversation" in found ? found.conversation.settings : {};
      }
      const model = settings.model ?? DEFAULT_CHAT_MODEL;
      const plan: AnswerPlan = {
        ...this.plan(kind, ownerId, backend, {
          metadata,
          model,
          history: [...earlier, answer],
          modelMessages,
          instructions: settings.system,
          temperature: settings.temperature,
          maxTokens: settings.maxTokens,
        }),
        messageId: answer.id,
        prefix: chunksOf({ ...answer, metadata: { ...answer.metadata, status: undefined } }),
      };
      this.runs.begin(kind, ownerId, answer.id, plan.promptChars);
      return { stream: this.answers.start(plan).listen() };
    });
  }

  answerStream(kind: ThreadKind, ownerId: string): ReadableStream<Uint8Array> | null {
    return this.answers.running(kind, ownerId)?.listen() ?? null;
  }

  async stopAnswer(kind: ThreadKind, ownerId: string): Promise<ChatMessage | null> {
    return this.answers.stopAll(kind, ownerId);
  }

  // Generated images: see ./images.ts.

  saveImage(record: ImageRecord): void {
    this.ctx.storage.transactionSync(() => {
      this.images.save(record);
      this.usage.add(Number(this.env.IMAGE_TOKEN_COST) || 0);
    });
  }

  listImages(cursor: string | undefined, limit: number): ImagePage {
    return this.images.list(cursor, limit);
  }

  getImage(id: string): ImageRecord | null {
    return this.images.get(id);
  }

  deleteImage(id: string): boolean {
    return this.images.delete(id);
  }

  // Vision Q&A (./vision.ts).

  addVisionImage(image: VisionImage): void {
    this.vision.addImage(image);
  }

  getVisionImage(id: string): VisionImage | null {
    return this.vision.getImage(id);
  }

  listVisionThreads() {
    return this.vision.listThreads();
  }

  getVisionThread(id: string) {
    return this.vision.getThread(id);
  }

  deleteVisionThread(id: string) {
    void this.answers.running("vision", id)?.stop();
    return this.vision.deleteThread(id);
  }

  // The one place an answer is saved: by its run when it ends, or by recovery after a restart.
  private saveAnswer(kind: ThreadKind, ownerId: string, message: ChatMessage): void {
    this.ctx.storage.transactionSync(() => {
      (kind === "chat" ? this.chatLog : this.vision.log).saveAnswer(ownerId, message);
      this.runs.end(kind, ownerId);
      this.spend.settle(message);
    });
  }

  private plan(kind: ThreadKind, ownerId: string, backend: AiBackend, call: Omit<AnswerPlan["request"], "backend">): AnswerPlan {
    const metadata: MessageMetadata = call.metadata ?? {};
    return {
      kind,
      ownerId,
      messageId: randomId(),
      request: { ...call, backend, metadata },
      promptChars: promptChars({ instructions: call.instructions, messages: call.modelMessages }),
      // Read at the end too: a vision licence note is filled in while the model is called.
      endMetadata: () => ({ ...metadata, servedBy: backend.servedBy() }),
    };
  }

  /** The backend for vision models: it accepts a model's licence once, and notes that in `metadata`. */
  private visionBackend(metadata: MessageMetadata): AiBackend {
    const backend = resolveAiBackend(this.env);
    return { ...backend, binding: visionBinding(backend.binding, () => (metadata.note = LICENCE_ACCEPTED_NOTE)) };
  }

  private async loadVisionImage(userId: string, imageId: string) {
    const record = this.vision.getImage(imageId);
    const object = record ? await this.env.MEDIA.get(uploadKey(userId, record.id)) : null;
    if (!record || !object) return null;
    return { record, bytes: new Uint8Array(await object.arrayBuffer()) };
  }

  private conversationRow(id: string): ConversationRow | undefined {
    return this.sql.exec<ConversationRow>(`SELECT * FROM conversations WHERE id = ?`, id).toArray()[0];
  }

  /** The conversation's settings (the request's over the stored) and history, before generation (see MessageLog.saveHistory). */
  private saveConversation(conversationId: string, settings: ChatSettings, messages: ChatMessage[]): void {
    const now = Date.now();
    const existing = this.conversationRow(conversationId);
    if (existing) {
      const merged = { ...parseSettings(existing.settings), ...settings };
      this.sql.exec(`UPDATE conversations SET settings = ?, updated_at = ? WHERE id = ?`, JSON.stringify(merged), now, conversationId);
    } else {
      this.sql.exec(
        `INSERT INTO conversations (id, title, created_at, updated_at, settings) VALUES (?, ?, ?, ?, ?)`,
        conversationId,
        titleFrom(messages.find((m) => m.role === "user")),
        now,
        now,
        JSON.stringify(settings),
      );
    }
    this.chatLog.saveHistory(conversationId, messages, now);
  }
}

function refusal(error: AppError): TurnStart {
  return { error: toAppError(error).toBody().error };
}

/** The image travels as a file part of the thread's first question, whichever question this is. */
function withImage(messages: ModelMessage[], data: Uint8Array, mediaType: string): ModelMessage[] {
  const first = messages.findIndex((m) => m.role === "user");
  return messages.map((m, i) => {
    if (i !== first || m.role !== "user") return m;
    const parts = typeof m.content === "string" ? [{ type: "text" as const, text: m.content }] : m.content;
    return { ...m, content: [...parts, { type: "file" as const, data, mediaType }] };
  });
}

interface ConversationRow extends Record<string, SqlStorageValue> {
  id: string;
  title: string;
  created_at: number;
  updated_at: number;
  settings: string;
}

function toConversation(row: ConversationRow): Conversation {
  return { id: row.id, title: row.title, createdAt: row.created_at, updatedAt: row.updated_at, settings: parseSettings(row.settings) };
}

function parseSettings(json: string): ChatSettings {
  return JSON.parse(json) as ChatSettings;
}
