import type { ChatMessage } from "../../../contract/messages";
import { AppError } from "../../../contract/errors";
import { withServerMetadata } from "../message-log";

/** A message with its place in the tree: the message it follows (null for a first message). */
export interface TreeMessage {
  message: ChatMessage;
  parentId: string | null;
}

/** What a conversation shows: the path from its first message to the leaf on screen, and versions. */
export interface BranchView {
  messages: ChatMessage[];
  /** For each message on the path that has other versions: every version's id, oldest first. */
  siblings: Record<string, string[]>;
  activeLeafId: string | null;
}

/** A path a client sent, checked against the tree: what is stored, and what is new after it. */
export interface ResolvedPath {
  /** The stored messages the path names, as stored (the server's copy is the one the model gets). */
  stored: ChatMessage[];
  /** Messages not stored yet, in order: each follows the one before it. */
  fresh: ChatMessage[];
  /** What the tree held when the path was checked (the caller's transaction keeps it so until saveTurn). */
  count: number;
  nextPosition: number;
  /** The turn number the next branch on screen gets (visited_at). */
  nextVisit: number;
}

interface Row extends Record<string, SqlStorageValue> {
  id: string;
  parent_id: string | null;
  position: number;
  visited_at: number;
  body: string;
}

interface Node {
  id: string;
  parentId: string | null;
  position: number;
  visitedAt: number;
  body: string;
}

/**
 * A chat conversation's messages as a tree (schema.ts, migration 5). Regenerate adds an answer next
 * to the earlier one under the same question; an edit adds a question next to the earlier one under
 * the same parent; nothing is thrown away. The conversation remembers the leaf on screen, and each
 * message the last turn it was on screen, so switching to a version shows what was last seen below
 * it. `position` is insertion order: versions are numbered by it. The caller owns the transactions.
 */
export class ConversationTree {
  constructor(private readonly sql: SqlStorage) {}

  /** The branch on screen, with the versions of each message on it. */
  view(conversationId: string): BranchView {
    const nodes = this.nodes(conversationId);
    const leaf = this.activeLeaf(conversationId, nodes);
    const path = leaf ? pathTo(nodes, leaf) : [];
    const children = childrenOf(nodes);
    const siblings: Record<string, string[]> = {};
    for (const node of path) {
      const versions = children.get(node.parentId) ?? [];
      if (versions.length > 1) siblings[node.id] = versions.map((n) => n.id);
    }
    return { messages: path.map(parse), siblings, activeLeafId: leaf?.id ?? null };
  }

  /** Every message, parents before children, each with its parent: what an export carries. */
  all(conversationId: string): { messages: TreeMessage[]; activeLeafId: string | null } {
    const nodes = this.nodes(conversationId);
    return {
      messages: [...nodes.values()].map((node) => ({ message: parse(node), parentId: node.parentId })),
      activeLeafId: this.activeLeaf(conversationId, nodes)?.id ?? null,
    };
  }

  count(conversationId: string): number {
    return this.sql.exec<{ n: number }>(`SELECT COUNT(*) AS n FROM messages WHERE conversation_id = ?`, conversationId).one().n;
  }

  /**
   * Checks a path a client sent (root first) against the tree. Stored messages must follow one
   * another as stored; new ones may only come after them. A question someone changed while keeping
   * its id, or a message moved under another parent, is refused (409): the path is not one of this tree.
   */
  resolvePath(conversationId: string, path: ChatMessage[]): ResolvedPath {
    const nodes = this.nodes(conversationId);
    const stored: ChatMessage[] = [];
    let parentId: string | null = null;
    let i = 0;
    for (; i < path.length; i++) {
      const node = nodes.get(path[i].id);
      if (!node) break;
      if (node.parentId !== parentId)
        throw new AppError("branch_conflict", "That is not a branch of this conversation. Reload it and try again.");
      const message = parse(node);
      if (message.role !== path[i].role || (message.role === "user" && textOf(message) !== textOf(path[i]))) {
        throw new AppError(
          "branch_conflict",
          "A message of this conversation was changed. An edit is sent as a new version; reload and try again.",
        );
      }
      stored.push(message);
      parentId = node.id;
    }
    const fresh = path.slice(i);
    if (fresh.some((m) => nodes.has(m.id)))
      throw new AppError("branch_conflict", "That is not a branch of this conversation. Reload it and try again.");
    if (new Set(fresh.map((m) => m.id)).size !== fresh.length)
      throw new AppError("bad_request", "The conversation uses a message id twice.");
    let lastPosition = -1;
    let lastVisit = 0;
    for (const node of nodes.values()) {
      lastPosition = Math.max(lastPosition, node.position);
      lastVisit = Math.max(lastVisit, node.visitedAt);
    }
    return { stored, fresh, count: nodes.size, nextPosition: lastPosition + 1, nextVisit: lastVisit + 1 };
  }

  /** The message a resolved path ends with once saved: the leaf on screen, and the one the answer follows. */
  leafOf(resolved: ResolvedPath): string {
    const leaf = resolved.fresh.at(-1)?.id ?? resolved.stored.at(-1)?.id;
    if (!leaf) throw new AppError("bad_request", "There is no message to answer.");
    return leaf;
  }

  /**
   * Saves a turn before generation: the new messages after the stored path, in the same transaction
   * as `resolvePath` gave `resolved` (its counts are used as they are), and marks that branch as
   * visited now. The caller records `leafOf(resolved)` as the conversation's leaf on screen in the
   * conversation's row, which it writes anyway (and first: messages refer to it). Returns the id the
   * answer will follow (the question).
   */
  saveTurn(conversationId: string, resolved: ResolvedPath, now: number): string {
    const leaf = this.leafOf(resolved);
    const storedLeaf = resolved.stored.at(-1)?.id ?? null;
    let parentId = storedLeaf;
    let position = resolved.nextPosition;
    // The new messages are on the branch on screen from the start; only the stored path above them is marked.
    // Their search indexing waits for the answer's transaction (schema.ts, migration 9): not before the model call.
    for (const message of resolved.fresh) {
      this.insert(conversationId, withServerMetadata(message, undefined, now), parentId, position++, resolved.nextVisit, true);
      parentId = message.id;
    }
    if (storedLeaf) this.markVisited(conversationId, storedLeaf, resolved.nextVisit);
    return leaf;
  }

  /**
   * Saves an answer under its question, or replaces it in place (a continued answer keeps its
   * place). The answer comes on screen if its question still is the leaf on screen (the person did
   * not switch away meanwhile). A deleted conversation stays deleted. What the turn left for the
   * search index (its question, a new conversation's title) is indexed here, whatever the answer.
   */
  saveAnswer(conversationId: string, message: ChatMessage, parentId: string | null, now = Date.now()): void {
    const active = this.sql
      .exec<{ active_leaf: string | null }>(`SELECT active_leaf FROM conversations WHERE id = ?`, conversationId)
      .toArray()[0];
    if (!active) return; // deleted while the answer streamed: do not resurrect it
    const replaced =
      this.sql.exec(
        `UPDATE messages SET body = ? WHERE conversation_id = ? AND id = ?`,
        JSON.stringify(message),
        conversationId,
        message.id,
      ).rowsWritten > 0;
    if (!replaced) {
      // A parent deleted meanwhile cannot be: a conversation's messages go only with it. Still, an
      // answer never hangs under a message that is not there.
      const parent =
        parentId && this.sql.exec(`SELECT 1 FROM messages WHERE conversation_id = ? AND id = ?`, conversationId, parentId).toArray().length
          ? parentId
          : null;
      this.insert(conversationId, message, parent, this.nextPosition(conversationId));
      if (active.active_leaf === parentId) this.setActive(conversationId, message.id);
    }
    this.sql.exec(`UPDATE messages SET search_pending = 0 WHERE conversation_id = ? AND search_pending <> 0`, conversationId);
    this.sql.exec(`UPDATE conversations SET updated_at = ?, search_pending = 0 WHERE id = ?`, now, conversationId);
  }

  /**
   * Shows the version `messageId` and, below it, the branch last on screen under it (the newest
   * when none was): as ChatGPT does. Returns false when there is no such message.
   */
  switchTo(conversationId: string, messageId: string): boolean {
    const nodes = this.nodes(conversationId);
    let node = nodes.get(messageId);
    if (!node) return false;
    const children = childrenOf(nodes);
    // At most one step per message, so even a damaged tree with a loop ends.
    for (let steps = 0, next = latest(children.get(node.id)); next && steps < nodes.size; steps++, next = latest(children.get(node.id)))
      node = next;
    this.setActive(conversationId, node.id);
    return true;
  }

  /** Writes a whole tree at once (an import): parents must come before their children. */
  importAll(conversationId: string, messages: TreeMessage[], activeLeafId: string | null): void {
    const seen = new Set<string>();
    messages.forEach(({ message, parentId }, position) => {
      if (seen.has(message.id) || (parentId !== null && !seen.has(parentId)))
        throw new AppError("import_invalid", "That file cannot be imported: its message tree is broken. Nothing was imported.");
      seen.add(message.id);
      this.insert(conversationId, message, parentId, position);
    });
    const leaf = activeLeafId && seen.has(activeLeafId) ? activeLeafId : messages.at(-1)?.message.id;
    if (leaf) this.switchTo(conversationId, leaf);
  }

  deleteAll(conversationId: string): void {
    this.sql.exec(`DELETE FROM messages WHERE conversation_id = ?`, conversationId);
  }

  /** Marks the path to `leafId` as the one on screen now: the leaf, and every message above it. */
  private setActive(conversationId: string, leafId: string): void {
    const turn = this.sql
      .exec<{ n: number }>(`SELECT COALESCE(MAX(visited_at), 0) + 1 AS n FROM messages WHERE conversation_id = ?`, conversationId)
      .one().n;
    this.markVisited(conversationId, leafId, turn);
    this.sql.exec(`UPDATE conversations SET active_leaf = ? WHERE id = ?`, leafId, conversationId);
  }

  /** The leaf and every message above it were on screen at `turn`. */
  private markVisited(conversationId: string, leafId: string, turn: number): void {
    // UNION (not UNION ALL) drops rows already seen, so even a damaged tree with a loop ends.
    this.sql.exec(
      `WITH RECURSIVE up(id, parent_id) AS (
         SELECT id, parent_id FROM messages WHERE conversation_id = ? AND id = ?
         UNION SELECT m.id, m.parent_id FROM messages m JOIN up ON m.id = up.parent_id WHERE m.conversation_id = ?
       )
       UPDATE messages SET visited_at = ? WHERE conversation_id = ? AND id IN (SELECT id FROM up)`,
      conversationId,
      leafId,
      conversationId,
      turn,
      conversationId,
    );
  }

  private activeLeaf(conversationId: string, nodes: Map<string, Node>): Node | undefined {
    const row = this.sql
      .exec<{ active_leaf: string | null }>(`SELECT active_leaf FROM conversations WHERE id = ?`, conversationId)
      .toArray()[0];
    const chosen = row?.active_leaf ? nodes.get(row.active_leaf) : undefined;
    // None recorded (or gone): the newest message, as a linear conversation showed.
    return chosen ?? [...nodes.values()].at(-1);
  }

  private nodes(conversationId: string): Map<string, Node> {
    const rows = this.sql
      .exec<Row>(
        `SELECT id, parent_id, position, visited_at, body FROM messages WHERE conversation_id = ? ORDER BY position`,
        conversationId,
      )
      .toArray();
    return new Map(
      rows.map((r) => [r.id, { id: r.id, parentId: r.parent_id, position: r.position, visitedAt: r.visited_at, body: r.body }]),
    );
  }

  private nextPosition(conversationId: string): number {
    return this.sql
      .exec<{ n: number }>(`SELECT COALESCE(MAX(position) + 1, 0) AS n FROM messages WHERE conversation_id = ?`, conversationId)
      .one().n;
  }

  /** `searchPending`: indexed for search later (schema.ts, migration 9), not by the insert. */
  private insert(
    conversationId: string,
    message: ChatMessage,
    parentId: string | null,
    position: number,
    visitedAt = 0,
    searchPending = false,
  ): void {
    this.sql.exec(
      `INSERT INTO messages (conversation_id, id, position, body, parent_id, visited_at, search_pending) VALUES (?, ?, ?, ?, ?, ?, ?)`,
      conversationId,
      message.id,
      position,
      JSON.stringify(message),
      parentId,
      visitedAt,
      searchPending ? 1 : 0,
    );
  }
}

/** Root → node, following parents; stops at a loop rather than running on. */
function pathTo(nodes: Map<string, Node>, leaf: Node): Node[] {
  const path: Node[] = [];
  const seen = new Set<string>();
  for (let node: Node | undefined = leaf; node && !seen.has(node.id); node = node.parentId ? nodes.get(node.parentId) : undefined) {
    seen.add(node.id);
    path.push(node);
  }
  return path.reverse();
}

/** Children by parent id (null: the first messages), each list in insertion order. */
function childrenOf(nodes: Map<string, Node>): Map<string | null, Node[]> {
  const children = new Map<string | null, Node[]>();
  for (const node of nodes.values()) {
    const list = children.get(node.parentId);
    if (list) list.push(node);
    else children.set(node.parentId, [node]);
  }
  return children;
}

/** The child last on screen; the newest among those never shown. */
function latest(children: Node[] | undefined): Node | undefined {
  let best: Node | undefined;
  for (const node of children ?? [])
    if (!best || node.visitedAt > best.visitedAt || (node.visitedAt === best.visitedAt && node.position > best.position)) best = node;
  return best;
}

function parse(node: Node): ChatMessage {
  return JSON.parse(node.body) as ChatMessage;
}

function textOf(message: ChatMessage): string {
  return message.parts.flatMap((p) => (p.type === "text" ? [p.text] : [])).join("\n");
}
