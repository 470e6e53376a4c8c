import type { ChatMessage } from "../../contract/messages";

/** Where one kind of thread keeps its messages: the owners' table and the messages' table. */
export interface MessageTables {
  owners: "conversations" | "vision_threads";
  messages: "messages" | "vision_messages";
  ownerColumn: "conversation_id" | "thread_id";
}

/**
 * The messages of a linear thread (vision threads): the history saved before the model is called
 * and the answer when it ends; table names are fixed names from MessageTables, never user input.
 * Chat conversations branch and keep theirs in ./conversation-tree.ts. Tables come from
 * ./schema.ts; the caller owns the transactions.
 */
export class MessageLog {
  constructor(
    private readonly sql: SqlStorage,
    private readonly t: MessageTables,
  ) {}

  read(ownerId: string): ChatMessage[] {
    return this.sql
      .exec<{ body: string }>(`SELECT body FROM ${this.t.messages} WHERE ${this.t.ownerColumn} = ? ORDER BY position`, ownerId)
      .toArray()
      .map((row) => JSON.parse(row.body) as ChatMessage);
  }

  /**
   * Makes the stored history match what the client sent, before generation: the new question is
   * saved, and a regenerate or an edit drops what came after the changed point. Rows before the
   * first difference are left alone, so a long thread costs one read.
   * The owner row must exist.
   */
  saveHistory(ownerId: string, messages: ChatMessage[], now: number): void {
    const stored = this.read(ownerId);
    let same = 0;
    while (same < stored.length && same < messages.length && sameMessage(stored[same], messages[same])) same++;
    this.sql.exec(`DELETE FROM ${this.t.messages} WHERE ${this.t.ownerColumn} = ? AND position >= ?`, ownerId, same);
    const storedById = new Map(stored.map((m) => [m.id, m]));
    for (let i = same; i < messages.length; i++)
      this.insert(ownerId, i, withServerMetadata(messages[i], storedById.get(messages[i].id), now));
  }

  /** Saves (or replaces) the answer at the end; a deleted owner stays deleted. */
  saveAnswer(ownerId: string, message: ChatMessage, now = Date.now()): void {
    const exists = this.sql.exec(`SELECT 1 FROM ${this.t.owners} WHERE id = ?`, ownerId).toArray().length > 0;
    if (!exists) return; // deleted while the answer streamed: do not resurrect it
    this.sql.exec(`DELETE FROM ${this.t.messages} WHERE ${this.t.ownerColumn} = ? AND id = ?`, ownerId, message.id);
    const next = this.sql
      .exec<{ n: number }>(`SELECT COALESCE(MAX(position) + 1, 0) AS n FROM ${this.t.messages} WHERE ${this.t.ownerColumn} = ?`, ownerId)
      .one().n;
    this.insert(ownerId, next, message);
    this.sql.exec(`UPDATE ${this.t.owners} SET updated_at = ? WHERE id = ?`, now, ownerId);
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
