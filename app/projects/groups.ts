import type { Conversation, SidebarGroup } from "../../contract/api";
import type { Project } from "../../contract/projects";
import { groupKey } from "./sidebar-pages";

export interface ConversationGroup {
  /** null: conversations in no project. */
  project: Project | null;
  conversations: Conversation[];
  /** How many it holds in all (the server's count); more than `conversations` when pages are left. */
  total: number;
  /** Whether "Show more" has a next page to load. */
  more: boolean;
}

/**
 * The sidebar's sections: each project (in the server's order, by name) with its conversations, then
 * those in none. Pinned first within each, as the server orders them; an empty project still shows,
 * so it can be opened and dropped on. `pages` (the server's groups) says what is left to load.
 */
export function groupConversations(conversations: Conversation[], projects: Project[], pages: SidebarGroup[] = []): ConversationGroup[] {
  const known = new Set(projects.map((p) => p.id));
  const byProject = new Map<string, Conversation[]>();
  for (const conversation of conversations) {
    const key = conversation.projectId && known.has(conversation.projectId) ? conversation.projectId : "";
    const list = byProject.get(key);
    if (list) list.push(conversation);
    else byProject.set(key, [conversation]);
  }
  const pageOf = new Map(pages.map((p) => [groupKey(p.projectId), p]));
  const group = (project: Project | null): ConversationGroup => {
    const key = groupKey(project?.id);
    const rows = byProject.get(key) ?? [];
    const page = pageOf.get(key);
    return { project, conversations: rows, total: Math.max(page?.total ?? 0, rows.length), more: !!page?.next };
  };
  return [...projects.map(group), group(null)];
}
