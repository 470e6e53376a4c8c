import type { Conversation } from "../../contract/api";
import type { Project } from "../../contract/projects";

export interface ConversationGroup {
  /** null: conversations in no project. */
  project: Project | null;
  conversations: Conversation[];
}

/**
 * The sidebar's sections: each project (in the server's order, by name) with its conversations, then
 * those in none. Pinned first within each, as the server orders them; an empty project still shows,
 * so it can be opened and dropped on.
 */
export function groupConversations(conversations: Conversation[], projects: Project[]): ConversationGroup[] {
  const known = new Set(projects.map((p) => p.id));
  const byProject = new Map<string | null, Conversation[]>();
  for (const conversation of conversations) {
    const key = conversation.projectId && known.has(conversation.projectId) ? conversation.projectId : null;
    byProject.set(key, [...(byProject.get(key) ?? []), conversation]);
  }
  return [
    ...projects.map((project) => ({ project, conversations: byProject.get(project.id) ?? [] })),
    { project: null, conversations: byProject.get(null) ?? [] },
  ];
}
