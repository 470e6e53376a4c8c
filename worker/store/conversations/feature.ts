import type { ChatSettings, Conversation, ConversationDetail, SidebarGroup } from "../../../contract/api";
import { AppError } from "../../../contract/errors";
import type { SearchHit } from "../../../contract/search";
import { deleteUploadObjects } from "../../vision/save-upload";
import { ChatImageLinks } from "./chat-images";
import { ConversationTitles } from "./conversation-titles";
import { ConversationTree, type TreeMessage } from "./conversation-tree";
import type { Person } from "../person";
import { searchMessages } from "./search";
import { sidebarFirstPages, sidebarPage } from "./sidebar";
import { Storage } from "../storage/feature";
import { ConversationRows, parseSettings, toConversation, type ConversationRow } from "./rows";
import { CONVERSATION_TABLES } from "./schema";

/**
 * The person's conversations: listing, search, branches, renames, deletes and imports. A chat turn
 * (../answers/chat-turn.ts) writes through `tree`, `rows`, `titles` and `images` here.
 */
export class Conversations {
  static readonly tables = CONVERSATION_TABLES;
  readonly tree: ConversationTree;
  readonly rows: ConversationRows;
  readonly titles: ConversationTitles;
  /** Which uploaded images each conversation's messages use (../chat-images.ts). */
  readonly images: ChatImageLinks;

  constructor(private readonly person: Person) {
    this.tree = new ConversationTree(person.sql);
    this.rows = new ConversationRows(person.sql, this.tree);
    this.titles = new ConversationTitles(person.ctx, person.env);
    this.images = new ChatImageLinks(person.sql);
  }

  /**
   * Titles holding `query` (archived ones too: search finds everything), or the Archived view's
   * list (`archived`); pinned first, then newest. The sidebar itself reads pages (./sidebar.ts).
   */
  listConversations(query?: string, archived = false): Conversation[] {
    const sql = this.person.sql;
    const rows = query?.trim()
      ? sql.exec<ConversationRow>(
          `SELECT * FROM conversations WHERE title LIKE ? ESCAPE '\\' ORDER BY pinned DESC, updated_at DESC LIMIT 200`,
          `%${query.trim().replace(/[\\%_]/g, (m) => `\\${m}`)}%`,
        )
      : sql.exec<ConversationRow>(
          `SELECT * FROM conversations WHERE archived = ? ORDER BY pinned DESC, updated_at DESC LIMIT 200`,
          archived ? 1 : 0,
        );
    return rows.toArray().map(toConversation);
  }

  /** The sidebar's first load: each group's first page and size (./sidebar.ts). */
  sidebarFirstPages(): { conversations: Conversation[]; groups: SidebarGroup[] } {
    return sidebarFirstPages(this.person.sql);
  }

  /** A group's next page of the sidebar (a project's id, or null for none), after `before`. */
  sidebarPage(projectId: string | null, before: string | undefined, limit: number): { conversations: Conversation[]; next: string | null } {
    return sidebarPage(this.person.sql, projectId, before, limit);
  }

  /** Full-text search over message text and titles (../search.ts). */
  searchMessages(query: string): SearchHit[] {
    return searchMessages(this.person.sql, query);
  }

  /** The conversation once any title being written for it is saved; null when there is no such conversation. */
  async conversationWithTitle(id: string): Promise<Conversation | null> {
    await this.titles.settled(id);
    return this.rows.get(id);
  }

  /** Every conversation's id, newest first, for the export archive (listConversations stops at 200). */
  conversationIds(): string[] {
    return this.person.sql
      .exec<{ id: string }>(`SELECT id FROM conversations ORDER BY updated_at DESC`)
      .toArray()
      .map((row) => row.id);
  }

  getConversation(id: string): ConversationDetail | null {
    const row = this.rows.row(id);
    if (!row) return null;
    const { messages, siblings } = this.tree.view(id);
    return { conversation: toConversation(row), messages, siblings };
  }

  /** Every branch of a conversation (a JSON export): each message with its parent, and the leaf on screen. */
  conversationTree(id: string): { conversation: Conversation; messages: TreeMessage[]; activeLeafId: string | null } | null {
    const row = this.rows.row(id);
    return row ? { conversation: toConversation(row), ...this.tree.all(id) } : null;
  }

  /** Shows another version of a message, and the branch last on screen below it; null when there is no such message. */
  switchBranch(id: string, messageId: string): ConversationDetail | null {
    if (!this.rows.row(id)) return null;
    const switched = this.person.ctx.storage.transactionSync(() => this.tree.switchTo(id, messageId));
    return switched ? this.getConversation(id) : null;
  }

  hasConversation(id: string): boolean {
    return this.rows.row(id) !== undefined;
  }

  updateConversation(id: string, patch: { title?: string; settings?: ChatSettings }): Conversation | null {
    const row = this.rows.row(id);
    if (!row) return null;
    const title = patch.title ?? row.title;
    const settings = patch.settings ? { ...parseSettings(row.settings), ...patch.settings } : parseSettings(row.settings);
    // A title the person wrote is theirs: the title model never replaces it.
    const titleBy = patch.title === undefined ? row.title_by : "person";
    this.person.sql.exec(
      `UPDATE conversations SET title = ?, title_by = ?, settings = ?, updated_at = ? WHERE id = ?`,
      title,
      titleBy,
      JSON.stringify(settings),
      Date.now(),
      id,
    );
    return this.rows.get(id);
  }

  deleteConversation(id: string): boolean {
    const { ctx, env, sql } = this.person;
    // Nobody will read its answer: stop spending on it (a deleted thread is never resurrected).
    void this.person.answers.stopAll("chat", id);
    const { deleted, orphanedImages } = ctx.storage.transactionSync(() => {
      this.tree.deleteAll(id);
      const orphanedImages = this.images.forgetConversation(id);
      // Its link is revoked by the route (worker/routes/conversations.ts): its snapshot's bytes come back here.
      this.person.feature(Storage).shares.forget(id);
      return { deleted: sql.exec(`DELETE FROM conversations WHERE id = ?`, id).rowsWritten > 0, orphanedImages };
    });
    // The images only this conversation used go with it; their records already went above.
    if (orphanedImages.length && ctx.id.name) ctx.waitUntil(deleteUploadObjects(env.MEDIA, ctx.id.name, orphanedImages));
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
    const { ctx, sql, quotas, budget } = this.person;
    const now = Date.now();
    return ctx.storage.transactionSync(() => {
      if (this.rows.row(id)) throw new AppError("bad_request", "That conversation already exists.");
      quotas.checkConversation(id, messages.length);
      budget.within("This conversation", () => {
        sql.exec(
          `INSERT INTO conversations (id, title, created_at, updated_at, settings) VALUES (?, ?, ?, ?, ?)`,
          id,
          title,
          now,
          now,
          JSON.stringify(settings),
        );
        this.tree.importAll(id, messages, activeLeafId);
      });
      return this.rows.get(id)!;
    });
  }
}
