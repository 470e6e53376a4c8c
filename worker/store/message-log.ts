import type { ChatMessage } from "../../contract/messages";
import { isAnswering } from "./answering";
import { addColumnIfMissing } from "./schema";

/** Where one kind of thread keeps its messages: the owners' table and the messages' table. */
export interface MessageTables {
  owners: "conversations" | "vision_threads";
  messages: "messages" | "vision_messages";
  ownerColumn: "conversation_id" | "thread_id";
}

/**
 * The messages of one kind of thread (chat conversations, vision threads) and the owner row's
 * answering mark. Both save the history before the model is called and the answer when it ends, the
 * same way; only the table names differ (fixed names from MessageTables, never user input).
 * It makes the messages table; the caller makes the owners' table first and owns the transactions.
 */
export class MessageLog {
  constructor(
    private readonly sql: SqlStorage,
    private readonly t: MessageTables,
  ) {
    sql.exec(`
      CREATE TABLE IF NOT EXISTS ${t.messages} (
        ${t.ownerColumn} TEXT NOT NULL REFERENCES ${t.owners}(id) ON DELETE CASCADE,
        id TEXT NOT NULL,
        position INTEGER NOT NULL,
        body TEXT NOT NULL,
        PRIMARY KEY (${t.ownerColumn}, id)
      );
      CREATE INDEX IF NOT EXISTS ${t.messages}_by_position ON ${t.messages} (${t.ownerColumn}, position);
    `);
    addColumnIfMissing(sql, t.owners, "answering_since", "INTEGER");
  }

  read(ownerId: string): ChatMessage[] {
    return this.sql
      .exec<{ body: string }>(`SELECT body FROM ${this.t.messages} WHERE ${this.t.ownerColumn} = ? ORDER BY position`, ownerId)
      .toArray()
      .map((row) => JSON.parse(row.body) as ChatMessage);
  }

  /** Whether the owner's last question is still being answered (see ./answering.ts). */
  answering(ownerId: string, now = Date.now()): boolean {
    const row = this.sql.exec<{ since: number | null }>(`SELECT answering_since AS since FROM ${this.t.owners} WHERE id = ?`, ownerId).toArray()[0];
    return isAnswering(row?.since, now);
  }

  /**
   * Makes the stored history match what the client sent, before generation, and marks the owner as
   * being answered: the new question is saved, and a regenerate or an edit drops what came after the
   * changed point. Rows before the first difference are left alone, so a long thread costs one read.
   * The owner row must exist.
   */
  saveHistory(ownerId: string, messages: ChatMessage[], now: number): void {
    const stored = this.read(ownerId);
    let same = 0;
    while (same < stored.length && same < messages.length && sameMessage(stored[same], messages[same])) same++;
    this.sql.exec(`DELETE FROM ${this.t.messages} WHERE ${this.t.ownerColumn} = ? AND position >= ?`, ownerId, same);
    const storedById = new Map(stored.map((m) => [m.id, m]));
    for (let i = same; i < messages.length; i++) this.insert(ownerId, i, withServerMetadata(messages[i], storedById.get(messages[i].id), now));
    this.sql.exec(`UPDATE ${this.t.owners} SET answering_since = ? WHERE id = ?`, now, ownerId);
  }

  /** Saves (or replaces) the answer at the end and clears the mark; a deleted owner stays deleted. */
  saveAnswer(ownerId: string, message: ChatMessage, now = Date.now()): void {
    const exists = this.sql.exec(`SELECT 1 FROM ${this.t.owners} WHERE id = ?`, ownerId).toArray().length > 0;
    if (!exists) return; // deleted while the answer streamed: do not resurrect it
    this.sql.exec(`DELETE FROM ${this.t.messages} WHERE ${this.t.ownerColumn} = ? AND id = ?`, ownerId, message.id);
    const next = this.sql
      .exec<{ n: number }>(`SELECT COALESCE(MAX(position) + 1, 0) AS n FROM ${this.t.messages} WHERE ${this.t.ownerColumn} = ?`, ownerId)
      .one().n;
    this.insert(ownerId, next, message);
    this.sql.exec(`UPDATE ${this.t.owners} SET updated_at = ?, answering_since = NULL WHERE id = ?`, now, ownerId);
  }

  /** For an answer that will never come: the request failed after its question was saved. */
  abandonAnswer(ownerId: string): void {
    this.sql.exec(`UPDATE ${this.t.owners} SET answering_since = NULL WHERE id = ?`, ownerId);
  }

  deleteAll(ownerId: string): void {
    this.sql.exec(`DELETE FROM ${this.t.messages} WHERE ${this.t.ownerColumn} = ?`, ownerId);
  }

  private insert(ownerId: string, position: number, message: ChatMessage) {
    this.sql.exec(
      `INSERT INTO ${this.t.messages} (${this.t.ownerColumn}, id, position, body) VALUES (?, ?, ?, ?)`,
      ownerId,
      message.id,
      position,
      JSON.stringify(message),
    );
  }
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
