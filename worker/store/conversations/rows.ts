import type { ChatSettings, Conversation } from "../../../contract/api";
import { USED_BYTES } from "../storage/byte-budget";
import type { TitleBy } from "./conversation-titles";
import type { ConversationTree, ResolvedPath } from "./conversation-tree";
import { titleFrom } from "./title";

export interface ConversationRow extends Record<string, SqlStorageValue> {
  id: string;
  title: string;
  created_at: number;
  updated_at: number;
  settings: string;
  title_by: string;
  project_id: string | null;
  pinned: number;
  archived: number;
}

/** What a chat turn reads of the conversation and the person in one statement (ConversationRows.turnState). */
export interface ChatTurnState {
  /** The stored settings; null: a new conversation. */
  settings: string | null;
  titleBy: TitleBy | null;
  /** How many conversations there are when this one is new (null when it exists). */
  conversations: number | null;
  /** The bytes kept (../byte-budget.ts). */
  used: number;
  /** When it was read (unchangedSince). */
  at: { changes: number; generation: number };
}

/** The conversations table: its rows as the API's Conversation, and what a chat turn reads and writes of it. */
export class ConversationRows {
  constructor(
    private readonly sql: SqlStorage,
    private readonly tree: ConversationTree,
  ) {}

  row(id: string): ConversationRow | undefined {
    return this.sql.exec<ConversationRow>(`SELECT * FROM conversations WHERE id = ?`, id).toArray()[0];
  }

  get(id: string): Conversation | null {
    const row = this.row(id);
    return row ? toConversation(row) : null;
  }

  /**
   * What a chat turn reads in one statement: the stored settings and title's author, how many
   * conversations there are when this one is new, and the bytes kept.
   */
  turnState(conversationId: string, generation: number): ChatTurnState {
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
      at: { changes: row.changes, generation },
    };
  }

  /**
   * Nothing was written to this database since `state` was read: SQLite's count of rows this
   * connection changed (every write of this object, triggers' aside, even rolled back) is the same,
   * and the database was not wiped and made again (deleteEverything, which may start the count anew).
   */
  unchangedSince(state: ChatTurnState, generation: number): boolean {
    if (state.at.generation !== generation) return false;
    return this.sql.exec<{ n: number }>(`SELECT total_changes() AS n`).one().n === state.at.changes;
  }

  /**
   * The conversation's settings (the request's over the stored) and the turn's new messages, before
   * generation (see ConversationTree.saveTurn). Returns the question the answer follows.
   */
  saveTurn(conversationId: string, settings: ChatSettings, resolved: ResolvedPath, state: ChatTurnState): string {
    const messages = [...resolved.stored, ...resolved.fresh];
    const now = Date.now();
    // The conversation's row first (its messages refer to it), with the leaf the turn puts on screen.
    const leaf = this.tree.leafOf(resolved);
    if (state.settings !== null) {
      // Stored settings are rewritten only when the request changes them.
      const changed = Object.keys(settings).length > 0;
      const merged = changed ? JSON.stringify({ ...parseSettings(state.settings), ...settings }) : state.settings;
      // A conversation with no message yet (the empty ones the old "New chat in a project" made, still in stores) takes its first question's words as its title.
      this.sql.exec(
        `UPDATE conversations SET settings = ?2, updated_at = ?3, active_leaf = ?4,
           title = CASE WHEN title_by = 'words' AND NOT EXISTS (SELECT 1 FROM messages WHERE conversation_id = ?1) THEN ?5 ELSE title END
         WHERE id = ?1`,
        conversationId,
        merged,
        now,
        leaf,
        titleFrom(messages.find((m) => m.role === "user")),
      );
    } else {
      // Its title is indexed for search with the answer, as its question is (schema.ts: search_pending).
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
    return this.tree.saveTurn(conversationId, resolved, now);
  }

  /** Settings saved with an approval ("Always allow this tool in this conversation"). */
  saveSettings(conversationId: string, settings: ChatSettings): void {
    this.sql.exec(`UPDATE conversations SET settings = ? WHERE id = ?`, JSON.stringify(settings), conversationId);
  }
}

export function toConversation(row: ConversationRow): Conversation {
  return {
    id: row.id,
    title: row.title,
    createdAt: row.created_at,
    updatedAt: row.updated_at,
    settings: parseSettings(row.settings),
    projectId: row.project_id ?? null,
    pinned: row.pinned === 1,
    archived: row.archived === 1,
  };
}

export function parseSettings(json: string): ChatSettings {
  return JSON.parse(json) as ChatSettings;
}
