import { DurableObject } from "cloudflare:workers";
import { convertToModelMessages, type ModelMessage } from "ai";
import type { ChatSettings, Conversation, ConversationDetail } from "../../contract/api";
import { servedLocally } from "../../contract/answer-cost";
import { AppError } from "../../contract/errors";
import type { ChatMessage, MessageMetadata } from "../../contract/messages";
import type { SearchHit } from "../../contract/search";
import type { ImagePage, ImageRecord } from "../../contract/images-api";
import { CHAT_SETTINGS_LIMITS, DEFAULT_CHAT_MODEL, findChatModel } from "../../contract/models";
import { LICENCE_ACCEPTED_NOTE, type VisionImage } from "../../contract/vision-api";
import { promptChars } from "../spend/estimate-usage";
import { resolveAiBackend, type AiBackend } from "../ai/backend";
import { toAppError } from "../http/errors";
import { randomId } from "../../contract/ids";
import { withRequestId } from "../log";
import { retrievePassages, withPassageRules, withPassages } from "../retrieval/retrieve-passages";
import { DocumentLibrary, type LibraryEnv } from "../retrieval/library";
import { answerCost, IMAGE_INPUT_TOKENS, withCost, worstCaseAnswer } from "../spend/answer-cost";
import { reserve, settle, type Payer } from "../spend/spend";
import { visionBinding } from "../vision/binding";
import { deleteUploadObjects, keepUpload, readUploadObject } from "../vision/save-upload";
import { imageIdsIn, imagesToSend, withChatImages, withoutImageParts, type LoadedImage } from "../ai/chat-images";
import { imageIdsOf } from "../../contract/chat-images";
import { ChatImageLinks } from "./chat-images";
import type { ChatTurn, ThreadKind, TurnPayer, TurnStart, UserStoreApi, VisionTurn } from "./api";
import { chunksOf } from "./answers/assemble";
import { Answers, type AnswerPlan } from "./answers/answers";
import { applyApprovalDecisions, awaitsApproval, withUnansweredDenied } from "./answers/approvals";
import type { StepSpend } from "./answers/step-spend";
import { prepareToolTurn, type ToolTurn } from "./answers/tool-turn";
import { builtinTools } from "../tools/builtins";
import { TOOL_LIMITS } from "../../contract/tools";
import { MAX_BYTES_PER_CHAR } from "../spend/estimate";
import { RunTable } from "./answers/run-table";
import { ImageTable } from "./images";
import { ConversationTree, type ResolvedPath, type TreeMessage } from "./conversation-tree";
import { Quotas, quotaLimits } from "./quotas";
import { ByteBudget, IMAGE_BYTES_ESTIMATE, jsonBytes, USED_BYTES } from "./byte-budget";
import { SqliteVectorIndex } from "../retrieval/sqlite-index";
import { migrate } from "./schema";
import { ConversationTitles, type TitleBy } from "./conversation-titles";
import { indexWaiting, searchMessages } from "./search";
import { titleFrom } from "./title";
import { exportTables, importTables, type StoreDump } from "./transfer";
import { UploadExpiry, uploadTtlHours } from "./upload-expiry";
import { VisionTables } from "./vision";
import type { AddConnectorRequest, ToolSwitch } from "../../contract/connectors";
import { Connectors } from "../connectors/connectors";
import { ConnectorTable } from "../connectors/table";
import { outcome } from "../connectors/outcome";

/** What the model is told when asked to carry on an interrupted answer; not saved as a message. */
const CONTINUE_PROMPT = "Your previous answer was cut off. Continue it exactly where it stopped, without repeating anything.";

/**
 * One Durable Object per person, holding their conversations, images, vision threads and documents
 * in its own SQLite database, and writing their answers: the model call runs here, not in the
 * request, so an answer outlives the tab that asked. Isolation comes from the addressing: a person
 * can only reach the object named by their own signed identity, so no query here needs an owner column.
 */
export class UserStore extends DurableObject<Env> implements UserStoreApi {
  private readonly sql: SqlStorage;
  private readonly vision: VisionTables;
  private readonly images: ImageTable;
  private readonly chatTree: ConversationTree;
  private readonly runs: RunTable;
  private readonly answers: Answers;
  private readonly quotas: Quotas;
  private readonly budget: ByteBudget;
  private readonly uploadExpiry: UploadExpiry;
  private readonly documents: DocumentLibrary;
  private readonly chatImages: ChatImageLinks;
  private readonly titles: ConversationTitles;
  /** Settings → Connectors (worker/connectors/); `connectors.table` is what the chat turn's connectorTools() reads. */
  private readonly connectors: Connectors;
  /** Counts wipes of the whole database (deleteEverything): what was read before one says nothing after it. */
  private generation = 0;
  /** The store's idea of now for expiry sweeps; tests move it instead of waiting. */
  clock = { now: () => Date.now() };
  /** The built-in tools a chat answer may call (worker/tools/builtins/); tests put scripted tools here. */
  builtinTools = builtinTools;
  /** Tool limits other than TOOL_LIMITS' (run-tool.ts), for tests that time a tool out. */
  toolLimits: { timeoutMs?: number; outputChars?: number } = {};

  constructor(ctx: DurableObjectState, env: Env) {
    super(ctx, env);
    this.sql = ctx.storage.sql;
    migrate(ctx.storage);
    this.chatTree = new ConversationTree(this.sql);
    this.vision = new VisionTables(ctx.storage);
    this.images = new ImageTable(this.sql);
    this.chatImages = new ChatImageLinks(this.sql);
    this.runs = new RunTable(this.sql);
    const limits = quotaLimits(env);
    this.quotas = new Quotas(this.sql, limits);
    this.budget = new ByteBudget(this.sql, limits.storageBytes);
    this.uploadExpiry = new UploadExpiry(ctx.storage, env.MEDIA, ctx.id.name, uploadTtlHours(env.UPLOAD_TTL_HOURS));
    // VECTOR_INDEX and VECTORIZE are optional settings the generated Env does not name.
    this.documents = new DocumentLibrary(ctx.storage, env as Env & LibraryEnv);
    this.titles = new ConversationTitles(ctx, env);
    this.connectors = new Connectors(new ConnectorTable(this.sql, env, ctx.id.name ?? ctx.id.toString()), env);
    this.answers = new Answers(ctx, this.runs, (kind, ownerId, message, steps) => this.saveAnswer(kind, ownerId, message, steps));
    // A fresh object has no answer running: a run row left behind died with the previous one.
    this.answers.recoverInterrupted();
  }

  /**
   * The one alarm, shared by the background jobs that must survive eviction: embedding documents
   * (worker/retrieval/library.ts) and expiring uploads never asked about (./upload-expiry.ts). Each
   * asks for the alarm no later than it needs it, and every run does both, so neither loses its turn.
   */
  async alarm(): Promise<void> {
    await this.documents.embedPending();
    await this.uploadExpiry.sweep(this.clock.now());
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

  /** Message text and titles holding the words (./search.ts). */
  searchMessages(query: string): SearchHit[] {
    return searchMessages(this.sql, query);
  }

  /** The conversation once any title being written for it is saved; null when there is no such conversation. */
  async conversationWithTitle(id: string): Promise<Conversation | null> {
    await this.titles.settled(id);
    const row = this.conversationRow(id);
    return row ? toConversation(row) : null;
  }

  /** Every conversation's id, newest first, for the export archive (listConversations stops at 200). */
  conversationIds(): string[] {
    return this.sql
      .exec<{ id: string }>(`SELECT id FROM conversations ORDER BY updated_at DESC`)
      .toArray()
      .map((row) => row.id);
  }

  /** Every vision thread's id, newest first, for the export archive. */
  visionThreadIds(): string[] {
    return this.sql
      .exec<{ id: string }>(`SELECT id FROM vision_threads ORDER BY updated_at DESC`)
      .toArray()
      .map((row) => row.id);
  }

  getConversation(id: string): ConversationDetail | null {
    const row = this.conversationRow(id);
    if (!row) return null;
    const { messages, siblings } = this.chatTree.view(id);
    return { conversation: toConversation(row), messages, siblings };
  }

  /** Every branch of a conversation (a JSON export): each message with its parent, and the leaf on screen. */
  conversationTree(id: string): { conversation: Conversation; messages: TreeMessage[]; activeLeafId: string | null } | null {
    const row = this.conversationRow(id);
    return row ? { conversation: toConversation(row), ...this.chatTree.all(id) } : null;
  }

  /** Shows another version of a message, and the branch last on screen below it; null when there is no such message. */
  switchBranch(id: string, messageId: string): ConversationDetail | null {
    if (!this.conversationRow(id)) return null;
    const switched = this.ctx.storage.transactionSync(() => this.chatTree.switchTo(id, messageId));
    return switched ? this.getConversation(id) : null;
  }

  hasConversation(id: string): boolean {
    return this.conversationRow(id) !== undefined;
  }

  updateConversation(id: string, patch: { title?: string; settings?: ChatSettings }): Conversation | null {
    const row = this.conversationRow(id);
    if (!row) return null;
    const title = patch.title ?? row.title;
    const settings = patch.settings ? { ...parseSettings(row.settings), ...patch.settings } : parseSettings(row.settings);
    // A title the person wrote is theirs: the title model never replaces it.
    const titleBy = patch.title === undefined ? row.title_by : "person";
    this.sql.exec(
      `UPDATE conversations SET title = ?, title_by = ?, settings = ?, updated_at = ? WHERE id = ?`,
      title,
      titleBy,
      JSON.stringify(settings),
      Date.now(),
      id,
    );
    return toConversation(this.sql.exec<ConversationRow>(`SELECT * FROM conversations WHERE id = ?`, id).one());
  }

  deleteConversation(id: string): boolean {
    // Nobody will read its answer: stop spending on it (a deleted thread is never resurrected).
    void this.answers.running("chat", id)?.stop();
    const { deleted, orphanedImages } = this.ctx.storage.transactionSync(() => {
      this.chatTree.deleteAll(id);
      const orphanedImages = this.chatImages.forgetConversation(id);
      // Its link is revoked by the route (worker/routes/conversations.ts): its snapshot's bytes come back here.
      this.sql.exec(`DELETE FROM share_bytes WHERE conversation_id = ?`, id);
      return { deleted: this.sql.exec(`DELETE FROM conversations WHERE id = ?`, id).rowsWritten > 0, orphanedImages };
    });
    // The images only this conversation used go with it; their records already went above.
    if (orphanedImages.length && this.ctx.id.name)
      this.ctx.waitUntil(deleteUploadObjects(this.env.MEDIA, this.ctx.id.name, orphanedImages));
    return deleted;
  }

  /**
   * A whole conversation written at once (an import, worker/transfer/write.ts): a new id, its
   * messages as they are, metadata and branches included, under the same quota as a live chat.
   */
  importConversation(
    id: string,
    title: string,
    settings: ChatSettings,
    messages: TreeMessage[],
    activeLeafId: string | null = null,
  ): Conversation {
    const now = Date.now();
    return this.ctx.storage.transactionSync(() => {
      if (this.conversationRow(id)) throw new AppError("bad_request", "That conversation already exists.");
      this.quotas.checkConversation(id, messages.length);
      this.budget.within("This conversation", () => {
        this.sql.exec(
          `INSERT INTO conversations (id, title, created_at, updated_at, settings) VALUES (?, ?, ?, ?, ?)`,
          id,
          title,
          now,
          now,
          JSON.stringify(settings),
        );
        this.chatTree.importAll(id, messages, activeLeafId);
      });
      return toConversation(this.sql.exec<ConversationRow>(`SELECT * FROM conversations WHERE id = ?`, id).one());
    });
  }

  // Answers.

  startChatTurn(turn: ChatTurn): Promise<TurnStart> {
    return withRequestId(turn.requestId, () =>
      refusing(async () => {
        const read = this.chatTurnState(turn.conversationId);
        const settings: ChatSettings = { ...(read.settings !== null ? parseSettings(read.settings) : {}), ...turn.settings };
        const model = settings.model ?? DEFAULT_CHAT_MODEL;
        // A stored model the catalog has since dropped (the Worker checked the request's own).
        if (!findChatModel(model)) throw new AppError("unknown_model", `There is no chat model called ${model}. Pick one from the list.`);
        // The path the client sent must be one of the stored tree; the model gets the stored copy of it.
        const resolved = this.chatTree.resolvePath(turn.conversationId, turn.messages);
        const history = [...resolved.stored, ...resolved.fresh];
        // Refused before anything is spent or saved: a conversation with no room left (every branch counts).
        this.quotas.checkConversationCounted(resolved.count + resolved.fresh.length, read.conversations);
        this.budget.checkRoom("This message", jsonBytes(resolved.fresh), read.used);

        const question = history
          .at(-1)!
          .parts.flatMap((p) => (p.type === "text" ? [p.text] : []))
          .join("\n");
        const library = {
          attachDocuments: async (id: string, ids: string[]) => this.attachDocuments(id, ids),
          searchDocuments: this.searchDocuments.bind(this),
        };
        const passages = await retrievePassages(library, {
          payer: turn.payer,
          conversationId: turn.conversationId,
          question,
          documentIds: turn.documentIds,
        });
        const images = await this.chatTurnImages(model, turn.payer.userId, history);
        const modelMessages = withPassages(
          withChatImages(history, await convertToModelMessages(withoutImageParts(withUnansweredDenied(history))), images.loaded),
          passages,
        );
        const instructions = withPassageRules(settings.system, passages);
        // Always sent, so the reservation is a true upper bound (a model's own default can be larger).
        const maxTokens = settings.maxTokens ?? CHAT_SETTINGS_LIMITS.maxTokens.default;

        const metadata: MessageMetadata = passages ? { citations: passages.citations } : {};
        const backend = this.chatBackend(model, metadata);
        const prompt = { instructions, messages: modelMessages };
        const tools = await this.toolTurn(turn, model, settings, maxTokens, metadata, promptChars(prompt), backend);
        const plan = withTools(
          this.plan("chat", turn.conversationId, backend, {
            model,
            history,
            modelMessages,
            instructions,
            temperature: settings.temperature,
            maxTokens,
            reasoningEffort: settings.reasoningEffort,
            metadata,
          }),
          tools,
        );
        const worst = worstCaseAnswer(model, prompt, maxTokens, images.loaded.size * IMAGE_INPUT_TOKENS + (tools?.toolTokens ?? 0));
        const start = await this.begin(plan, turn.payer, worst, () => {
          // The question is saved before the model is called: it is never lost to a failed answer.
          // Checked again here when anything was written meanwhile (the tree may have changed while
          // passages were searched, the ledger was asked, an earlier answer was stopped): unchanged
          // since, what was read holds. What is read here holds until the writes below: the transaction is synchronous.
          const unchanged = this.unchangedSince(read);
          const state = unchanged ? read : this.chatTurnState(turn.conversationId);
          const now = unchanged ? resolved : this.chatTree.resolvePath(turn.conversationId, turn.messages);
          this.quotas.checkConversationCounted(now.count + now.fresh.length, state.conversations);
          this.titles.turnStarted(turn.conversationId, history, turn.modelTitle ? turn.payer : null, () => state.titleBy ?? undefined);
          // The question must fit the byte budget; the answer to it is kept whatever its size (it is paid for).
          const saved = this.budget.within(
            "This message",
            () => this.saveConversation(turn.conversationId, turn.settings, now, state),
            state.used,
          );
          this.chatImages.link(turn.conversationId, images.linked);
          return saved;
        });
        // Sent now: out of the prefix that expires (once per image, on the first message that carries it).
        for (const image of images.pending) await keepUpload(this.env.MEDIA, turn.payer.userId, image.record, image.bytes);
        return start;
      }),
    );
  }

  startVisionTurn(turn: VisionTurn): Promise<TurnStart> {
    return withRequestId(turn.requestId, () =>
      refusing(async () => {
        const existing = this.vision.threadImage(turn.threadId);
        if (existing && existing !== turn.imageId)
          throw new AppError("bad_request", "This thread is about another image. Start a new thread for a new image.");
        this.quotas.checkVisionThread(turn.threadId, turn.messages.length);
        this.budget.checkRoom("This message", jsonBytes(turn.messages.at(-1) ?? null));
        const image = await this.loadVisionImage(turn.payer.userId, turn.imageId);
        if (!image) throw new AppError("not_found", "That image does not exist.");
        const modelMessages = withImage(await convertToModelMessages(turn.messages), image.bytes, image.record.mediaType);
        const maxTokens = turn.maxTokens ?? CHAT_SETTINGS_LIMITS.maxTokens.default;

        const metadata: MessageMetadata = {};
        const backend = this.visionBackend(metadata);
        const plan = this.plan("vision", turn.threadId, backend, {
          metadata,
          model: turn.model,
          history: turn.messages,
          modelMessages,
          instructions: turn.system,
          temperature: turn.temperature,
          maxTokens,
        });
        const worst = worstCaseAnswer(turn.model, { instructions: turn.system, messages: modelMessages }, maxTokens, IMAGE_INPUT_TOKENS);
        const start = await this.begin(plan, turn.payer, worst, () => {
          this.quotas.checkVisionThread(turn.threadId, turn.messages.length);
          this.budget.within("This message", () => this.vision.saveHistory(turn.threadId, turn.imageId, turn.model, turn.messages));
        });
        // Asked about now: out of the prefix that expires (once per image, on its first question).
        if (image.pending) await keepUpload(this.env.MEDIA, turn.payer.userId, image.record, image.bytes);
        return start;
      }),
    );
  }

  /**
   * Carries on an interrupted answer: the model gets the thread with the answer so far and is asked
   * to continue it; the new text is added to the same message, which streams from its start.
   */
  continueAnswer(kind: ThreadKind, ownerId: string, payer: TurnPayer, requestId?: string): Promise<TurnStart> {
    return withRequestId(requestId, () =>
      refusing(async () => {
        if (this.answers.running(kind, ownerId))
          throw new AppError("bad_request", "An answer is still being written here. Wait for it or stop it first.");
        const found = kind === "chat" ? this.getConversation(ownerId) : this.vision.getThread(ownerId);
        const answer = found?.messages.at(-1);
        if (!found || !answer)
          throw new AppError("not_found", kind === "chat" ? "That conversation does not exist." : "That vision thread does not exist.");
        if (answer.role !== "assistant" || answer.metadata?.status !== "interrupted")
          throw new AppError("bad_request", "Only an interrupted answer can be continued.");

        const earlier = found.messages.slice(0, -1);
        let modelMessages: ModelMessage[] = [
          ...(await convertToModelMessages(withoutImageParts(found.messages))),
          { role: "user", content: CONTINUE_PROMPT },
        ];
        const settings: ChatSettings = "thread" in found ? { model: found.thread.model } : found.conversation.settings;
        const model = settings.model ?? DEFAULT_CHAT_MODEL;
        if (!findChatModel(model)) throw new AppError("unknown_model", `There is no chat model called ${model}. Pick one from the list.`);
        let backend: AiBackend;
        let imageTokens = 0;
        const metadata: MessageMetadata = {};
        if ("thread" in found) {
          const image = await this.loadVisionImage(payer.userId, found.thread.imageId);
          if (!image) throw new AppError("not_found", "That image does not exist.");
          modelMessages = withImage(modelMessages, image.bytes, image.record.mediaType);
          backend = this.visionBackend(metadata);
          imageTokens = IMAGE_INPUT_TOKENS;
        } else {
          const images = await this.chatTurnImages(model, payer.userId, earlier);
          modelMessages = withChatImages(found.messages, modelMessages, images.loaded);
          backend = this.chatBackend(model, metadata);
          imageTokens = images.loaded.size * IMAGE_INPUT_TOKENS;
        }
        const maxTokens = settings.maxTokens ?? CHAT_SETTINGS_LIMITS.maxTokens.default;
        const plan: AnswerPlan = {
          ...this.plan(kind, ownerId, backend, {
            metadata,
            model,
            history: [...earlier, answer],
            modelMessages,
            instructions: settings.system,
            temperature: settings.temperature,
            maxTokens,
            reasoningEffort: settings.reasoningEffort,
          }),
          messageId: answer.id,
          prefix: chunksOf({ ...answer, metadata: { ...answer.metadata, status: undefined } }),
        };
        // The answer keeps its place in the tree: under the message it followed.
        return this.begin(
          plan,
          payer,
          worstCaseAnswer(model, { instructions: settings.system, messages: modelMessages }, maxTokens, imageTokens),
          () => earlier.at(-1)?.id ?? null,
        );
      }),
    );
  }

  /**
   * The person's answer to an answer's tool approvals (tools-design.md): only their decisions are
   * taken from the request (answers/approvals.ts), applied to the stored answer, and the SAME answer
   * carries on from there (as Continue does): the allowed calls run, the denied ones are told to the
   * model, and the loop goes on. Its first model call is reserved like any answer's. The page that
   * asks already has the answer so far, so its stream starts after it; a page rejoining gets it whole.
   */
  approveTurn(turn: ChatTurn): Promise<TurnStart> {
    return withRequestId(turn.requestId, () =>
      refusing(async () => {
        if (this.answers.running("chat", turn.conversationId))
          throw new AppError("bad_request", "An answer is still being written here. Wait for it or stop it first.");
        const found = this.getConversation(turn.conversationId);
        if (!found) throw new AppError("not_found", "That conversation does not exist.");
        const stored = found.messages.at(-1);
        const sent = turn.messages.at(-1);
        if (!stored || !sent || stored.id !== sent.id || !awaitsApproval(stored))
          throw new AppError(
            "bad_request",
            "There is no tool call waiting for your answer in this conversation. Reload to see it as it is.",
          );
        const { message: answer, approved } = applyApprovalDecisions(stored, sent);
        const settings: ChatSettings = { ...found.conversation.settings, ...turn.settings };
        const model = settings.model ?? DEFAULT_CHAT_MODEL;
        if (!findChatModel(model)) throw new AppError("unknown_model", `There is no chat model called ${model}. Pick one from the list.`);

        const earlier = found.messages.slice(0, -1);
        const history = [...earlier, answer];
        const images = await this.chatTurnImages(model, turn.payer.userId, earlier);
        const modelMessages = withChatImages(
          history,
          await convertToModelMessages(withoutImageParts(withUnansweredDenied(history))),
          images.loaded,
        );
        const maxTokens = settings.maxTokens ?? CHAT_SETTINGS_LIMITS.maxTokens.default;
        const metadata: MessageMetadata = {};
        const backend = this.chatBackend(model, metadata);
        const prompt = { instructions: settings.system, messages: modelMessages };
        // The allowed calls' outputs join the prompt before the first model call: each at its cap.
        const pendingOutputTokens = approved * TOOL_LIMITS.outputChars * MAX_BYTES_PER_CHAR;
        const tools = await this.toolTurn(turn, model, settings, maxTokens, metadata, promptChars(prompt) + pendingOutputTokens, backend);
        if (!tools)
          throw new AppError("bad_request", "Tools are off for this conversation or its model now, so the call cannot run. Ask again.");
        const plan: AnswerPlan = {
          ...withTools(
            this.plan("chat", turn.conversationId, backend, {
              metadata,
              model,
              history,
              modelMessages,
              instructions: settings.system,
              temperature: settings.temperature,
              maxTokens,
              reasoningEffort: settings.reasoningEffort,
            }),
            tools,
          ),
          messageId: answer.id,
          prefix: chunksOf({ ...answer, metadata: { ...answer.metadata, status: undefined } }),
        };
        const worst = worstCaseAnswer(
          model,
          prompt,
          maxTokens,
          images.loaded.size * IMAGE_INPUT_TOKENS + tools.toolTokens + pendingOutputTokens,
        );
        return this.begin(
          plan,
          turn.payer,
          worst,
          () => {
            // "Always allow this tool in this conversation" comes as settings with the decisions.
            if (Object.keys(turn.settings).length)
              this.sql.exec(`UPDATE conversations SET settings = ? WHERE id = ?`, JSON.stringify(settings), turn.conversationId);
            // The answer keeps its place in the tree: under the message it followed.
            return earlier.at(-1)?.id ?? null;
          },
          plan.prefix?.length ?? 0,
        );
      }),
    );
  }

  /** A chat answer's tools (answers/tool-turn.ts), built from the built-ins and the person's connectors. */
  private toolTurn(
    turn: Pick<ChatTurn, "conversationId" | "payer" | "timeZone">,
    model: string,
    settings: ChatSettings,
    maxTokens: number,
    metadata: MessageMetadata,
    promptTokens: number,
    backend: AiBackend,
  ): Promise<ToolTurn | undefined> {
    const { conversationId, payer } = turn;
    return prepareToolTurn({
      env: this.env,
      payer,
      model,
      settings,
      maxTokens,
      promptTokens,
      metadata,
      builtins: () =>
        this.builtinTools({
          env: this.env,
          payer,
          timeZone: turn.timeZone ?? "UTC",
          saveImage: (record) => this.saveImage(record),
          searchDocuments: async (query) => {
            const library = { attachDocuments: async () => undefined, searchDocuments: this.searchDocuments.bind(this) };
            const found = await retrievePassages(library, { payer, conversationId, question: query });
            return { text: found?.block ?? "", citations: found?.citations ?? [] };
          },
        }),
      connectors: this.connectors.table,
      limits: this.toolLimits,
      hold: (reservationId, prompt) => this.runs.hold("chat", conversationId, reservationId, prompt),
      local: () => servedLocally(backend.servedBy()),
      defer: (work) => this.ctx.waitUntil(work),
    });
  }

  isAnswering(kind: ThreadKind, ownerId: string): boolean {
    return this.answers.running(kind, ownerId) !== undefined;
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
      this.quotas.checkImages(1);
      this.budget.within("This image", () => this.images.save(record));
    });
  }

  /** Before generating: refuses a batch the person has no room left to keep (by count, and by bytes at about a megabyte each). */
  checkRoomForImages(count: number): void {
    this.quotas.checkImages(count);
    this.budget.checkRoom(count === 1 ? "This image" : `These ${count} images`, count * IMAGE_BYTES_ESTIMATE);
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

  async addVisionImage(image: VisionImage): Promise<void> {
    this.ctx.storage.transactionSync(() => {
      this.quotas.checkUpload(image.bytes);
      this.budget.within("This photo", () => this.vision.addImage(image));
    });
    await this.uploadExpiry.schedule();
  }

  getVisionImage(id: string): VisionImage | null {
    return this.vision.getImage(id);
  }

  listVisionThreads(query?: string) {
    return this.vision.listThreads(query);
  }

  renameVisionThread(id: string, title: string) {
    return this.vision.renameThread(id, title);
  }

  getVisionThread(id: string) {
    return this.vision.getThread(id);
  }

  deleteVisionThread(id: string) {
    void this.answers.running("vision", id)?.stop();
    return this.vision.deleteThread(id);
  }

  // Moving a guest into an account, and deleting everything (worker/store/user-data.ts).

  exportData(): StoreDump {
    return exportTables(this.sql);
  }

  /**
   * Takes in a guest's rows (their bytes count here at once, by the triggers; a merge is never refused
   * for the byte budget, the next write is), then makes their documents this person's, moving their
   * vectors to this person's namespace in Vectorize.
   */
  async importData(fromUserId: string, dump: StoreDump) {
    // Tables made on first use must exist here, or the import would skip the guest's rows in them.
    void this.documents.tables;
    new SqliteVectorIndex(this.sql);
    const result = this.ctx.storage.transactionSync(() => {
      const imported = importTables(this.sql, fromUserId, dump);
      this.documents.tables.indexMissing();
      // Rows the guest's store had not indexed yet (an answer running there) come with their flag.
      indexWaiting(this.sql);
      return imported;
    });
    const self = this.ctx.id.name;
    if (!self) throw new Error("A user store without a name cannot take in another's documents.");
    await this.documents.adopt(fromUserId, self);
    return result;
  }

  /**
   * Everything this person has here, and their vectors in Vectorize (outside the store). After a
   * merge (`vectorsMoved`) the vectors are the account's now, under the same ids: they stay.
   */
  async deleteEverything(options: { vectorsMoved?: boolean } = {}): Promise<void> {
    for (const kind of ["chat", "vision"] as const)
      for (const row of this.runs.all().filter((r) => r.kind === kind)) await this.answers.stopAll(kind, row.owner_id);
    if (!options.vectorsMoved) await this.documents.deleteAllVectors();
    this.generation++;
    await this.ctx.storage.deleteAll();
    this.generation++;
    this.documents.forget();
    // This instance may be called again: it needs its (empty) tables back.
    migrate(this.ctx.storage);
  }

  // The byte budget (./byte-budget.ts).

  /** Bytes this person keeps, and the most they may (0: no limit). */
  storageUsage(): { used: number; limit: number } {
    return { used: this.budget.used(), limit: this.budget.limit };
  }

  /** Refuses early (a document before it is read, an import before it is written) when `bytes` would not fit. */
  checkStorageRoom(what: string, bytes: number): void {
    this.budget.checkRoom(what, bytes);
  }

  /**
   * A conversation's shared snapshot (worker/routes/share.ts), counted before it is written to the
   * shares store: sharing again replaces the bytes counted for it. Refused when it does not fit.
   */
  holdShareBytes(conversationId: string, bytes: number): void {
    this.ctx.storage.transactionSync(() =>
      this.budget.within("This shared link", () =>
        this.sql.exec(
          `INSERT INTO share_bytes (conversation_id, bytes) VALUES (?, ?) ON CONFLICT (conversation_id) DO UPDATE SET bytes = excluded.bytes`,
          conversationId,
          bytes,
        ),
      ),
    );
  }

  /** The link's token, once made, so revoking it by token gives its bytes back. */
  shareSaved(conversationId: string, token: string): void {
    this.sql.exec(`UPDATE share_bytes SET token = ? WHERE conversation_id = ?`, token, conversationId);
  }

  /** A link revoked (by its token) or never made (by its conversation): its bytes come back. */
  releaseShare(by: { token: string } | { conversationId: string }): void {
    if ("token" in by) this.sql.exec(`DELETE FROM share_bytes WHERE token = ?`, by.token);
    else this.sql.exec(`DELETE FROM share_bytes WHERE conversation_id = ? AND token IS NULL`, by.conversationId);
  }

  // Documents (worker/retrieval/library.ts).

  countDocuments() {
    return this.documents.tables.count();
  }
  /** Refused, writing nothing, when the original and its passages do not fit the byte budget. */
  addDocument(record: Parameters<DocumentLibrary["add"]>[0], passages: Parameters<DocumentLibrary["add"]>[1], payer: Payer) {
    return this.documents.add(record, passages, payer, (write) => this.budget.within("This document", write));
  }
  listDocuments() {
    return this.documents.tables.list();
  }
  getDocument(id: string) {
    return this.documents.tables.get(id);
  }
  deleteDocument(id: string) {
    return this.documents.delete(id);
  }
  attachDocuments(conversationId: string, documentIds: string[]) {
    return this.documents.tables.attach(conversationId, documentIds);
  }
  detachDocument(conversationId: string, documentId: string) {
    return this.documents.tables.detach(conversationId, documentId);
  }
  conversationDocuments(conversationId: string) {
    return this.documents.tables.attachedTo(conversationId);
  }
  searchDocuments(...args: Parameters<DocumentLibrary["search"]>) {
    return this.documents.search(...args);
  }

  // Connectors: the person's remote MCP servers (worker/connectors/). Tokens never leave this object.

  listConnectors() {
    return this.connectors.list();
  }
  addConnector(input: AddConnectorRequest, origin: string) {
    return outcome(() => this.connectors.add(input, origin));
  }
  refreshConnector(id: string) {
    return outcome(() => this.connectors.refresh(id));
  }
  setConnectorToken(id: string, token: string) {
    return outcome(() => this.connectors.setToken(id, token));
  }
  switchConnectorTool(id: string, name: string, change: ToolSwitch) {
    return outcome(() => this.connectors.switchTool(id, name, change));
  }
  removeConnector(id: string) {
    return this.connectors.remove(id);
  }
  startConnectorOAuth(id: string, origin: string) {
    return outcome(() => this.connectors.startOAuth(id, origin));
  }
  finishConnectorOAuth(params: Parameters<Connectors["finishOAuth"]>[0], origin: string) {
    return outcome(() => this.connectors.finishOAuth(params, origin));
  }

  /**
   * Reserves the answer's worst case against the payer's budget (worker/spend/), then saves what the
   * turn saves and begins the run row in one transaction, and starts the model call. A refusal after
   * the reservation releases it: no model was called.
   */
  private async begin(
    plan: AnswerPlan,
    payer: TurnPayer,
    worstCase: number,
    saveQuestion: () => string | null | void,
    /** Chunks the asking page already has (an approval's answer so far): its stream starts after them. */
    listenFrom = 0,
  ): Promise<TurnStart> {
    const reservation = await reserve(this.env, payer, worstCase, Date.now(), payer.budgets).catch(async (error) => {
      await plan.cleanup?.();
      throw error;
    });
    if (plan.steps) plan.steps.held = reservation;
    try {
      // A new question replaces whatever still runs on the thread.
      await this.answers.stopAll(plan.kind, plan.ownerId);
      this.ctx.storage.transactionSync(() => {
        // The question the answer follows (chat), kept with the run so a restart saves it there too.
        const parentId = saveQuestion() ?? null;
        this.runs.begin(plan.kind, plan.ownerId, plan.messageId, plan.promptChars, reservation.id, Date.now(), parentId);
      });
    } catch (error) {
      await settle(this.env, reservation, 0);
      await plan.cleanup?.();
      throw error;
    }
    return { stream: this.answers.start(plan).listen(listenFrom) };
  }

  /**
   * The one place an answer is saved: by its run when it ends, or by recovery after a restart. Its
   * cost is saved with it and settled against the reservation its run row names.
   */
  private saveAnswer(kind: ThreadKind, ownerId: string, message: ChatMessage, steps?: StepSpend): ChatMessage {
    const model = message.metadata?.model;
    const cost = model ? answerCost(model, message, servedLocally(message.metadata?.servedBy)) : { neurons: 0, estimated: true };
    // A continued answer already paid for its first part (settled then): the saved cost is the sum.
    const earlier = message.metadata?.cost;
    const saved = withCost(
      message,
      earlier ? { neurons: earlier.neurons + cost.neurons, estimated: earlier.estimated || cost.estimated } : cost,
    );
    const reservationId = this.ctx.storage.transactionSync(() => {
      if (kind === "chat") this.chatTree.saveAnswer(ownerId, saved, this.runs.parentOf(kind, ownerId));
      else this.vision.log.saveAnswer(ownerId, saved);
      return this.runs.end(kind, ownerId);
    });
    // A tool loop settled its earlier steps as it went: what is left is the last step's.
    const due = steps ? steps.unsettledCost(cost.neurons) : cost.neurons;
    if (reservationId) this.ctx.waitUntil(settle(this.env, { id: reservationId, neurons: 0 }, due));
    if (kind === "chat") this.titles.answerSaved(ownerId, saved);
    return saved;
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

  /** Chat models that need a licence accepted (Llama 3.2 Vision) get the vision page's backend, which accepts it once. */
  private chatBackend(model: string, metadata: MessageMetadata): AiBackend {
    return findChatModel(model)?.needsAgreement ? this.visionBackend(metadata) : resolveAiBackend(this.env);
  }

  /**
   * The images a chat turn uses. Those in the new message must be the person's own uploads (another
   * person's id is simply not found in this store) and need a model that sees images; the latest few
   * are loaded to send (contract/chat-images.ts). Ids in older messages that are not found (an
   * imported conversation) are left out rather than blocking the conversation.
   */
  private async chatTurnImages(model: string, userId: string, messages: ChatMessage[]) {
    const ids = imageIdsIn(messages);
    const empty = {
      loaded: new Map<string, LoadedImage>(),
      linked: [] as string[],
      pending: [] as { record: VisionImage; bytes: Uint8Array }[],
    };
    if (!ids.length) return empty;
    const last = messages.at(-1);
    const required = new Set(last?.role === "user" ? imageIdsOf(last) : []);
    const chatModel = findChatModel(model);
    if (!chatModel?.vision && required.size) {
      throw new AppError(
        "cannot_see_images",
        `${chatModel?.label ?? model} cannot see images. Pick a model labelled "sees images", or send the message without the image.`,
      );
    }
    const linked = ids.filter((id) => this.vision.getImage(id) !== null);
    if ([...required].some((id) => !linked.includes(id))) throw new AppError("not_found", "That image does not exist. Attach it again.");
    // A text-only model picked later in a conversation with images goes on without them (each becomes a note).
    if (!chatModel?.vision) return { ...empty, linked };
    for (const id of imagesToSend(messages).filter((id) => linked.includes(id))) {
      const image = await this.loadVisionImage(userId, id);
      if (!image) throw new AppError("not_found", "That image does not exist. Attach it again.");
      empty.loaded.set(id, { data: image.bytes, mediaType: image.record.mediaType });
      if (image.pending) empty.pending.push(image);
    }
    return { ...empty, linked };
  }

  private async loadVisionImage(userId: string, imageId: string) {
    const record = this.vision.getImage(imageId);
    const stored = record ? await readUploadObject(this.env.MEDIA, userId, record.id) : null;
    if (!record || !stored) return null;
    return { record, bytes: new Uint8Array(await stored.object.arrayBuffer()), pending: stored.pending };
  }

  private conversationRow(id: string): ConversationRow | undefined {
    return this.sql.exec<ConversationRow>(`SELECT * FROM conversations WHERE id = ?`, id).toArray()[0];
  }

  /**
   * The conversation's settings (the request's over the stored) and the turn's new messages, before
   * generation (see ConversationTree.saveTurn). Returns the question the answer follows.
   */
  private saveConversation(conversationId: string, settings: ChatSettings, resolved: ResolvedPath, state: ChatTurnState): string {
    const messages = [...resolved.stored, ...resolved.fresh];
    const now = Date.now();
    // The conversation's row first (its messages refer to it), with the leaf the turn puts on screen.
    const leaf = this.chatTree.leafOf(resolved);
    if (state.settings !== null) {
      // Stored settings are rewritten only when the request changes them.
      const changed = Object.keys(settings).length > 0;
      const merged = changed ? JSON.stringify({ ...parseSettings(state.settings), ...settings }) : state.settings;
      this.sql.exec(
        `UPDATE conversations SET settings = ?, updated_at = ?, active_leaf = ? WHERE id = ?`,
        merged,
        now,
        leaf,
        conversationId,
      );
    } else {
      // Its title is indexed for search with the answer, as its question is (schema.ts, migration 9).
      this.sql.exec(
        `INSERT INTO conversations (id, title, created_at, updated_at, settings, active_leaf, search_pending) VALUES (?, ?, ?, ?, ?, ?, 1)`,
        conversationId,
        titleFrom(messages.find((m) => m.role === "user")),
        now,
        now,
        JSON.stringify(settings),
        leaf,
      );
    }
    return this.chatTree.saveTurn(conversationId, resolved, now);
  }

  /**
   * What a chat turn reads of the conversation and the person in one statement: the stored settings
   * (null: a new conversation) and title's author, how many conversations there are when this one is
   * new (null when it exists), and the bytes kept (./byte-budget.ts).
   */
  private chatTurnState(conversationId: string): ChatTurnState {
    const row = this.sql
      .exec<{ settings: string | null; title_by: string | null; conversations: number | null; used: number; changes: number }>(
        `SELECT c.settings, c.title_by,
           CASE WHEN c.id IS NULL THEN (SELECT COUNT(*) FROM conversations) END AS conversations,
           ${USED_BYTES} AS used, total_changes() AS changes
         FROM (SELECT 1) LEFT JOIN conversations c ON c.id = ?`,
        conversationId,
      )
      .one();
    return {
      settings: row.settings,
      titleBy: row.title_by as TitleBy | null,
      conversations: row.conversations,
      used: row.used,
      at: { changes: row.changes, generation: this.generation },
    };
  }

  /**
   * Nothing was written to this database since `state` was read: SQLite's count of rows this
   * connection changed (every write of this object, triggers' aside, even rolled back) is the same,
   * and the database was not wiped and made again (deleteEverything, which may start the count anew).
   */
  private unchangedSince(state: ChatTurnState): boolean {
    if (state.at.generation !== this.generation) return false;
    return this.sql.exec<{ n: number }>(`SELECT total_changes() AS n`).one().n === state.at.changes;
  }
}

/** The plan with its tool loop, when the answer has one. */
function withTools(plan: AnswerPlan, tools: ToolTurn | undefined): AnswerPlan {
  if (!tools) return plan;
  return { ...plan, request: { ...plan.request, toolLoop: tools.loop }, steps: tools.steps, cleanup: tools.cleanup };
}

/** A turn refused (bad input, quota, budget) comes back as its error body: RPC would lose its code. */
async function refusing(start: () => Promise<TurnStart>): Promise<TurnStart> {
  try {
    return await start();
  } catch (error) {
    const appError = toAppError(error);
    if (appError.code === "internal") throw error;
    return { error: appError.toBody().error };
  }
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

interface ChatTurnState {
  settings: string | null;
  titleBy: TitleBy | null;
  conversations: number | null;
  used: number;
  /** When it was read (unchangedSince). */
  at: { changes: number; generation: number };
}

interface ConversationRow extends Record<string, SqlStorageValue> {
  id: string;
  title: string;
  created_at: number;
  updated_at: number;
  settings: string;
  title_by: string;
}

function toConversation(row: ConversationRow): Conversation {
  return { id: row.id, title: row.title, createdAt: row.created_at, updatedAt: row.updated_at, settings: parseSettings(row.settings) };
}

function parseSettings(json: string): ChatSettings {
  return JSON.parse(json) as ChatSettings;
}
