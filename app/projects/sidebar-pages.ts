import { SIDEBAR_PAGE, type Conversation, type SidebarGroup } from "../../contract/api";
import { listSidebar, listSidebarPage, type SidebarList } from "../api";

/** A group's key in maps: a project's id, or "" for the conversations in no project. */
export const groupKey = (projectId: string | null | undefined) => projectId ?? "";

/** The list with one group's next page added (rows already shown are not shown twice). */
export function withPage(
  list: SidebarList,
  projectId: string | null,
  page: { conversations: Conversation[]; next: string | null },
): SidebarList {
  const shown = new Set(list.conversations.map((c) => c.id));
  return {
    conversations: [...list.conversations, ...page.conversations.filter((c) => !shown.has(c.id))],
    groups: list.groups.map((g): SidebarGroup => (groupKey(g.projectId) === groupKey(projectId) ? { ...g, next: page.next } : g)),
  };
}

/**
 * The sidebar's first load, then, for each group "Show more" had opened (`extra`: rows shown past its
 * first page), as many rows again from the fresh cursor, so reloading after an answer or a rename
 * keeps the list as open as the person left it, with current rows.
 */
export async function loadSidebar(extra: ReadonlyMap<string, number>, signal: AbortSignal): Promise<SidebarList> {
  let list = await listSidebar(signal);
  for (const group of list.groups) {
    const more = extra.get(groupKey(group.projectId)) ?? 0;
    if (!more || !group.next) continue;
    list = withPage(
      list,
      group.projectId,
      await listSidebarPage(group.projectId, group.next, Math.min(more, SIDEBAR_PAGE.maxLimit), signal),
    );
  }
  return list;
}
