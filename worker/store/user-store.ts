import { DurableObject } from "cloudflare:workers";
import type { ChatSettings, Conversation, ConversationDetail } from "../../contract/api";
import type { ChatMessage } from "../../contract/messages";
import type { ImagePage, ImageRecord } from "../../contract/images-api";
import { isAnswering } from "./answering";
import { ImageTable } from "./images";
import { addColumnIfMissing } from "./schema";
import { titleFrom } from "./title";
import { UsageTable } from "./usage";
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
  private readonly usage: UsageTable;

  constructor(ctx: DurableObjectState, env: Env) {
    super(ctx, env);
    this.sql = ctx.storage.sql;
    this.sql.exec(`
      CREATE TABLE IF NOT EXISTS conversations (
        id TEXT PRIMARY KEY,
        title TEXT NOT NULL,
        created_at INTEGER NOT NULL,
        updated_at INTEGER NOT NULL,
        settings TEXT NOT NULL DEFAULT '{}',
        answering_since INTEGER
      );
      CREATE TABLE IF NOT EXISTS messages (
        conversation_id TEXT NOT NULL REFERENCES conversations(id) ON DELETE CASCADE,
        id TEXT NOT NULL,
        position INTEGER NOT NULL,
        body TEXT NOT NULL,
        PRIMARY KEY (conversation_id, id)
      );
      CREATE INDEX IF NOT EXISTS messages_by_position ON messages (conversation_id, position);
      CREATE INDEX IF NOT EXISTS conversations_by_update ON conversations (updated_at DESC);
    `);
    addColumnIfMissing(this.sql, "conversations", "answering_since", "INTEGER");
    this.vision = new VisionTables(ctx.storage);
    this.images = new ImageTable(this.sql);
    this.usage = new UsageTable(this.sql);
  }

  /** Tokens spent today (UTC), counted as answers and images are saved. */
  usageToday(): number {
    return this.usage.today();
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

  getConversation(id: string): ConversationDetail | null {
    const row = this.sql.exec<ConversationRow>(`SELECT * FROM conversations WHERE id = ?`, id).toArray()[0];
    if (!row) return null;
    const messages = this.sql
      .exec<{ body: string }>(`SELECT body FROM messages WHERE conversation_id = ? ORDER BY position`, id)
      .toArray()
      .map((m) => JSON.parse(m.body) as ChatMessage);
    return { conversation: toConversation(row), messages, answering: isAnswering(row.answering_since, Date.now()) };
  }

  /**
   * Makes the stored history match what the client sent, before any generation starts: the new
   * user message is saved, and a regenerate or an edit drops what came after the changed point.
   * Rows before the first difference are left alone, so a long conversation costs one read.
   */
  saveHistory(conversationId: string, settings: ChatSettings, messages: ChatMessage[]): Conversation {
    const now = Date.now();
    return this.ctx.storage.transactionSync(() => {
      const existing = this.sql.exec<ConversationRow>(`SELECT * FROM conversations WHERE id = ?`, conversationId).toArray()[0];
      if (existing) {
        const merged = { ...parseSettings(existing.settings), ...settings };
        this.sql.exec(
          `UPDATE conversations SET settings = ?, updated_at = ?, answering_since = ? WHERE id = ?`,
          JSON.stringify(merged),
          now,
          now,
          conversationId,
        );
      } else {
        const firstUser = messages.find((m) => m.role === "user");
        this.sql.exec(
          `INSERT INTO conversations (id, title, created_at, updated_at, settings, answering_since) VALUES (?, ?, ?, ?, ?, ?)`,
          conversationId,
          titleFrom(firstUser),
          now,
          now,
          JSON.stringify(settings),
          now,
        );
      }
      const stored = this.sql
        .exec<{ body: string }>(`SELECT body FROM messages WHERE conversation_id = ? ORDER BY position`, conversationId)
        .toArray()
        .map((row) => JSON.parse(row.body) as ChatMessage);
      let same = 0;
      while (same < stored.length && same < messages.length && sameMessage(stored[same], messages[same])) same++;
      this.sql.exec(`DELETE FROM messages WHERE conversation_id = ? AND position >= ?`, conversationId, same);
      const storedById = new Map(stored.map((m) => [m.id, m]));
      for (let i = same; i < messages.length; i++) {
        this.insertMessage(conversationId, i, withServerMetadata(messages[i], storedById.get(messages[i].id), now));
      }
      return toConversation(this.sql.exec<ConversationRow>(`SELECT * FROM conversations WHERE id = ?`, conversationId).one());
    });
  }

  /** For an answer that will never come: the request failed after its question was saved. */
  abandonAnswer(conversationId: string): void {
    this.sql.exec(`UPDATE conversations SET answering_since = NULL WHERE id = ?`, conversationId);
  }

  /** Saves (or replaces) the answer at the end of the conversation: complete, or marked partial. */
  saveAnswer(conversationId: string, message: ChatMessage): void {
    this.ctx.storage.transactionSync(() => {
      const exists = this.sql.exec(`SELECT 1 FROM conversations WHERE id = ?`, conversationId).toArray().length > 0;
      if (!exists) return; // deleted while the answer streamed: do not resurrect it
      this.sql.exec(`DELETE FROM messages WHERE conversation_id = ? AND id = ?`, conversationId, message.id);
      const next = this.sql.exec<{ n: number }>(`SELECT COALESCE(MAX(position) + 1, 0) AS n FROM messages WHERE conversation_id = ?`, conversationId).one().n;
      this.insertMessage(conversationId, next, message);
      this.sql.exec(`UPDATE conversations SET updated_at = ?, answering_since = NULL WHERE id = ?`, Date.now(), conversationId);
    });
    this.usage.addAnswer(message);
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
      this.sql.exec(`DELETE FROM messages WHERE conversation_id = ?`, id);
      return this.sql.exec(`DELETE FROM conversations WHERE id = ?`, id).rowsWritten > 0;
    });
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

  // Vision Q&A (worker/store/vision.ts).
  addVisionImage(...args: Parameters<VisionTables["addImage"]>) {
    return this.vision.addImage(...args);
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
    return this.vision.saveHistory(...args);
  }
  saveVisionAnswer(...args: Parameters<VisionTables["saveAnswer"]>) {
    const saved = this.vision.saveAnswer(...args);
    this.usage.addAnswer(args[1]);
    return saved;
  }
  deleteVisionThread(...args: Parameters<VisionTables["deleteThread"]>) {
    return this.vision.deleteThread(...args);
  }

  private insertMessage(conversationId: string, position: number, message: ChatMessage) {
    this.sql.exec(
      `INSERT INTO messages (conversation_id, id, position, body) VALUES (?, ?, ?, ?)`,
      conversationId,
      message.id,
      position,
      JSON.stringify(message),
    );
  }
}

interface ConversationRow extends Record<string, SqlStorageValue> {
  id: string;
  title: string;
  created_at: number;
  updated_at: number;
  settings: string;
  answering_since: number | null;
}

function toConversation(row: ConversationRow): Conversation {
  return { id: row.id, title: row.title, createdAt: row.created_at, updatedAt: row.updated_at, settings: parseSettings(row.settings) };
}

function parseSettings(json: string): ChatSettings {
  return JSON.parse(json) as ChatSettings;
}

function sameMessage(a: ChatMessage, b: ChatMessage): boolean {
  return a.id === b.id && a.role === b.role && JSON.stringify(a.parts) === JSON.stringify(b.parts);
}

/**
 * The server's record of an answer (status, usage, who served it) wins over what a client echoes
 * back for the same message id: a client cannot rewrite how an answer ended.
 */
export function withServerMetadata(message: ChatMessage, stored: ChatMessage | undefined, now: number): ChatMessage {
  if (stored && message.role === "assistant") return { ...message, metadata: stored.metadata };
  return { ...message, metadata: { createdAt: stored?.metadata?.createdAt ?? now } };
}
