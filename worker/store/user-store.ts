import { DurableObject } from "cloudflare:workers";
import type { ChatSettings, Conversation, ConversationDetail } from "../../contract/api";
import type { ChatMessage } from "../../contract/messages";
import type { ImagePage, ImageRecord } from "../../contract/images-api";
import { ImageTable } from "./images";
import { MessageLog } from "./message-log";
import { Quotas, quotaLimits } from "./quotas";
import { titleFrom } from "./title";
import { UploadExpiry, uploadTtlHours } from "./upload-expiry";
import { exportTables, importTables, type StoreDump } from "./transfer";
import { DocumentLibrary, type LibraryEnv } from "../retrieval/library";
import { VisionTables } from "./vision";

/**
 * One Durable Object per user, holding that user's conversations in its own SQLite database.
 * Isolation comes from the addressing: a user can only ever reach the object named by their own
 * signed identity, so no query here needs an owner column.
 */
export class UserStore extends DurableObject<Env> {
  private readonly sql: SqlStorage;
  private readonly vision: VisionTables;
  private readonly images: ImageTable;
  private readonly log: MessageLog;
  private readonly quotas: Quotas;
  private readonly uploadExpiry: UploadExpiry;
  /** The store's idea of now for expiry sweeps; tests move it instead of waiting. */
  clock = { now: () => Date.now() };
  private readonly documents: DocumentLibrary;

  constructor(ctx: DurableObjectState, env: Env) {
    super(ctx, env);
    this.sql = ctx.storage.sql;
    this.sql.exec(`
      CREATE TABLE IF NOT EXISTS conversations (
        id TEXT PRIMARY KEY,
        title TEXT NOT NULL,
        created_at INTEGER NOT NULL,
        updated_at INTEGER NOT NULL,
        settings TEXT NOT NULL DEFAULT '{}'
      );
      CREATE INDEX IF NOT EXISTS conversations_by_update ON conversations (updated_at DESC);
    `);
    this.log = new MessageLog(this.sql, { owners: "conversations", messages: "messages", ownerColumn: "conversation_id" });
    this.vision = new VisionTables(ctx.storage);
    this.images = new ImageTable(this.sql);
    this.quotas = new Quotas(this.sql, quotaLimits(env));
    this.uploadExpiry = new UploadExpiry(ctx.storage, env.MEDIA, ctx.id.name, uploadTtlHours(env.UPLOAD_TTL_HOURS));
    // VECTOR_INDEX and VECTORIZE are optional settings the generated Env does not name.
    this.documents = new DocumentLibrary(ctx.storage, env as Env & LibraryEnv);
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

  listConversations(query?: string): Conversation[] {
    const rows = query?.trim()
      ? this.sql.exec<ConversationRow>(
          `SELECT * FROM conversations WHERE title LIKE ? ESCAPE '\\' ORDER BY updated_at DESC LIMIT 200`,
          `%${query.trim().replace(/[\\%_]/g, (m) => `\\${m}`)}%`,
        )
      : this.sql.exec<ConversationRow>(`SELECT * FROM conversations ORDER BY updated_at DESC LIMIT 200`);
    return rows.toArray().map(toConversation);
  }

  /** Every conversation's id, newest first, for the export archive (listConversations stops at 200). */
  conversationIds(): string[] {
    return this.sql.exec<{ id: string }>(`SELECT id FROM conversations ORDER BY updated_at DESC`).toArray().map((row) => row.id);
  }

  /** Every vision thread's id, newest first, for the export archive. */
  visionThreadIds(): string[] {
    return this.sql.exec<{ id: string }>(`SELECT id FROM vision_threads ORDER BY updated_at DESC`).toArray().map((row) => row.id);
  }

  getConversation(id: string): ConversationDetail | null {
    const row = this.sql.exec<ConversationRow>(`SELECT * FROM conversations WHERE id = ?`, id).toArray()[0];
    if (!row) return null;
    return { conversation: toConversation(row), messages: this.log.read(id), answering: this.log.answering(id) };
  }

  /** Saves the conversation's settings and history before generation (see MessageLog.saveHistory). */
  saveHistory(conversationId: string, settings: ChatSettings, messages: ChatMessage[]): Conversation {
    const now = Date.now();
    return this.ctx.storage.transactionSync(() => {
      this.quotas.checkConversation(conversationId, messages.length);
      const existing = this.sql.exec<ConversationRow>(`SELECT * FROM conversations WHERE id = ?`, conversationId).toArray()[0];
      if (existing) {
        const merged = { ...parseSettings(existing.settings), ...settings };
        this.sql.exec(`UPDATE conversations SET settings = ?, updated_at = ? WHERE id = ?`, JSON.stringify(merged), now, conversationId);
      } else {
        const firstUser = messages.find((m) => m.role === "user");
        this.sql.exec(
          `INSERT INTO conversations (id, title, created_at, updated_at, settings) VALUES (?, ?, ?, ?, ?)`,
          conversationId,
          titleFrom(firstUser),
          now,
          now,
          JSON.stringify(settings),
        );
      }
      this.log.saveHistory(conversationId, messages, now);
      return toConversation(this.sql.exec<ConversationRow>(`SELECT * FROM conversations WHERE id = ?`, conversationId).one());
    });
  }

  abandonAnswer(conversationId: string): void {
    this.log.abandonAnswer(conversationId);
  }

  /** Saves (or replaces) the answer at the end of the conversation: complete, or marked partial. */
  saveAnswer(conversationId: string, message: ChatMessage): void {
    this.ctx.storage.transactionSync(() => this.log.saveAnswer(conversationId, message));
  }

  hasConversation(id: string): boolean {
    return this.sql.exec(`SELECT 1 FROM conversations WHERE id = ?`, id).toArray().length > 0;
  }

  updateConversation(id: string, patch: { title?: string; settings?: ChatSettings }): Conversation | null {
    const row = this.sql.exec<ConversationRow>(`SELECT * FROM conversations WHERE id = ?`, id).toArray()[0];
    if (!row) return null;
    const title = patch.title ?? row.title;
    const settings = patch.settings ? { ...parseSettings(row.settings), ...patch.settings } : parseSettings(row.settings);
    this.sql.exec(`UPDATE conversations SET title = ?, settings = ?, updated_at = ? WHERE id = ?`, title, JSON.stringify(settings), Date.now(), id);
    return toConversation(this.sql.exec<ConversationRow>(`SELECT * FROM conversations WHERE id = ?`, id).one());
  }

  deleteConversation(id: string): boolean {
    return this.ctx.storage.transactionSync(() => {
      this.log.deleteAll(id);
      return this.sql.exec(`DELETE FROM conversations WHERE id = ?`, id).rowsWritten > 0;
    });
  }

  // Generated images: see ./images.ts.
  saveImage(record: ImageRecord): void {
    this.ctx.storage.transactionSync(() => {
      this.quotas.checkImages(1);
      this.images.save(record);
    });
  }

  /** Before generating: refuses a batch the person has no room left to keep. */
  checkRoomForImages(count: number): void {
    this.quotas.checkImages(count);
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

  // Vision Q&A (worker/store/vision.ts).
  async addVisionImage(...args: Parameters<VisionTables["addImage"]>) {
    this.quotas.checkUpload(args[0].bytes);
    this.vision.addImage(...args);
    await this.uploadExpiry.schedule();
  }
  getVisionImage(...args: Parameters<VisionTables["getImage"]>) {
    return this.vision.getImage(...args);
  }
  listVisionThreads() {
    return this.vision.listThreads();
  }
  getVisionThread(...args: Parameters<VisionTables["getThread"]>) {
    return this.vision.getThread(...args);
  }
  saveVisionHistory(...args: Parameters<VisionTables["saveHistory"]>) {
    this.quotas.checkVisionThread(args[0], args[3].length);
    return this.vision.saveHistory(...args);
  }
  saveVisionAnswer(...args: Parameters<VisionTables["saveAnswer"]>) {
    return this.vision.saveAnswer(...args);
  }
  deleteVisionThread(...args: Parameters<VisionTables["deleteThread"]>) {
    return this.vision.deleteThread(...args);
  }

  // Moving a guest into an account, and deleting everything (worker/auth/user-data.ts).
  exportData(): StoreDump {
    return exportTables(this.sql);
  }
  importData(fromUserId: string, dump: StoreDump) {
    return this.ctx.storage.transactionSync(() => importTables(this.sql, fromUserId, dump));
  }
  async deleteEverything(): Promise<void> {
    await this.ctx.storage.deleteAll();
  }

  // Documents (worker/retrieval/library.ts).
  countDocuments() {
    return this.documents.tables.count();
  }
  addDocument(...args: Parameters<DocumentLibrary["add"]>) {
    return this.documents.add(...args);
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
