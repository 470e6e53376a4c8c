import { type Conversation, SIDEBAR_PAGE, type SidebarGroup } from "../../../contract/api";
import { type ConversationRow, toConversation } from "./rows";

/**
 * The sidebar's list in pages, so a person with thousands of conversations gets the first screen
 * of each group at once and the rest on asking. Every group is read in the list's one order
 * (pinned first, newest, id breaking ties) along the `conversations_sidebar` index (./schema.ts,
 * migration 3), so a page costs its own rows whatever the person keeps. Archived conversations stay
 * out (the Archived view and search find them).
 */

/** A group: a project's id, or null for the conversations in no project. */
export type GroupKey = string | null;

interface Position {
  pinned: number;
  updatedAt: number;
  id: string;
}

/** The cursor a page ends on; contract/api.ts `sidebarCursorSchema` checks what comes back. */
export function cursorOf(row: ConversationRow): string {
  return `${row.pinned ? 1 : 0}.${row.updated_at}.${row.id}`;
}

/** The position a checked cursor names (ids hold no dots). */
export function positionOf(cursor: string): Position {
  const [pinned, updatedAt, id] = cursor.split(".");
  return { pinned: Number(pinned), updatedAt: Number(updatedAt), id };
}

/** One group's rows after `before` (from its start without one), at most `limit`, and where the next page starts. */
export function sidebarPage(
  sql: SqlStorage,
  group: GroupKey,
  before: string | undefined,
  limit: number,
): { conversations: Conversation[]; next: string | null } {
  const after = before ? positionOf(before) : undefined;
  // One row more than asked says whether another page exists without counting the group.
  const rows = sql
    .exec<ConversationRow>(
      `SELECT * FROM conversations
       WHERE archived = 0 AND project_id IS ? ${after ? "AND (pinned, updated_at, id) < (?, ?, ?)" : ""}
       ORDER BY pinned DESC, updated_at DESC, id DESC LIMIT ?`,
      group,
      ...(after ? [after.pinned, after.updatedAt, after.id] : []),
      limit + 1,
    )
    .toArray();
  const page = rows.slice(0, limit);
  return { conversations: page.map(toConversation), next: rows.length > limit ? cursorOf(page[page.length - 1]) : null };
}

/**
 * The first load: every group's first page (the conversations in no project get more, being the
 * list most people use), and each group's size, read from the index alone.
 */
export function sidebarFirstPages(sql: SqlStorage): { conversations: Conversation[]; groups: SidebarGroup[] } {
  const sizes = sql
    .exec<{ project_id: string | null; n: number }>(
      `SELECT project_id, COUNT(*) AS n FROM conversations WHERE archived = 0 GROUP BY project_id`,
    )
    .toArray();
  const conversations: Conversation[] = [];
  const groups: SidebarGroup[] = [];
  for (const { project_id: projectId, n } of sizes) {
    const page = sidebarPage(sql, projectId, undefined, projectId === null ? SIDEBAR_PAGE.unfiled : SIDEBAR_PAGE.perProject);
    conversations.push(...page.conversations);
    groups.push({ projectId, total: n, next: page.next });
  }
  // In the list's one order across groups, as the flat list was: other pages take the first as the newest.
  conversations.sort((a, b) => Number(!!b.pinned) - Number(!!a.pinned) || b.updatedAt - a.updatedAt || (a.id < b.id ? 1 : -1));
  return { conversations, groups };
}
