import { memo, startTransition, useEffect, useState, type RefObject } from "react";
import type { Conversation } from "../../contract/api";
import type { Project } from "../../contract/projects";
import { ConversationGroup } from "./ConversationGroup";
import { ConversationRow } from "./ConversationRow";
import type { ConversationGroup as Group } from "./groups";

/** What the sidebar's rows and sections ask the list to do. */
export interface SidebarActions {
  move: (conversationId: string, projectId: string | null) => void;
  newChatIn: (project: Project) => void;
  editProject: (project: Project) => void;
  deleteProject: (project: Project) => void;
  /** Never rejects: the list shows what went wrong. */
  showMore: (projectId: string | null) => Promise<void>;
  renameStart: (id: string) => void;
  rename: (conversation: Conversation, title: string) => void;
  renameCancel: () => void;
  share: (conversation: Conversation) => void;
  delete: (conversation: Conversation) => void;
  placed: (id: string) => void;
  error: (message: string) => void;
}

interface Props {
  groups: Group[];
  projects: Project[];
  currentId: string | undefined;
  renamingId: string | undefined;
  /** Read when a row acts, so the rows need not be drawn again when a handler is made anew. */
  actions: RefObject<SidebarActions>;
}

/**
 * Every section and row of the sidebar. Drawn again only when what it shows changes: typing in
 * the search box above re-renders the list's parent on every key, and with hundreds of rows that
 * alone took over 50 ms a key (bench/notes/long.md).
 */
export const SidebarGroups = memo(function SidebarGroups({ groups, projects, currentId, renamingId, actions }: Props) {
  const act = () => actions.current;
  const drawn = useDrawnInBatches(groups);
  return groups.slice(0, drawn).map((group) => (
    <ConversationGroup
      key={group.project?.id ?? ""}
      project={group.project}
      titled={projects.length > 0}
      onDrop={(id) => act().move(id, group.project?.id ?? null)}
      onNewChat={group.project ? () => act().newChatIn(group.project!) : undefined}
      onEdit={group.project ? () => act().editProject(group.project!) : undefined}
      onDelete={group.project ? () => act().deleteProject(group.project!) : undefined}
      hidden={group.total - group.conversations.length}
      rows={group.conversations.length}
      onShowMore={group.more ? () => act().showMore(group.project?.id ?? null) : undefined}
    >
      {group.conversations.map((conversation) => (
        <ConversationRow
          key={conversation.id}
          conversation={conversation}
          current={conversation.id === currentId}
          projects={projects}
          renaming={renamingId === conversation.id}
          onRenameStart={() => act().renameStart(conversation.id)}
          onRename={(title) => act().rename(conversation, title)}
          onRenameCancel={() => act().renameCancel()}
          onShare={() => act().share(conversation)}
          onDelete={() => act().delete(conversation)}
          onPlaced={() => act().placed(conversation.id)}
          onError={(message) => act().error(message)}
        />
      ))}
    </ConversationGroup>
  ));
});

/** Rows (a section's heading counts as one) drawn in one task: a few milliseconds' work on a slow phone. */
const ROWS_PER_BATCH = 24;

/**
 * How many sections to draw: the first batch at once, then a batch a task until all are drawn, so
 * fifty projects' rows never go into the page in one long task (bench/notes/long.md). Once drawn,
 * a section stays drawn.
 */
function useDrawnInBatches(groups: Group[]): number {
  const [budget, setBudget] = useState(ROWS_PER_BATCH);
  let drawn = 0;
  for (let rows = 0; drawn < groups.length; drawn++) {
    rows += 1 + groups[drawn].conversations.length;
    if (rows > budget && drawn > 0) break;
  }
  const complete = drawn >= groups.length;
  useEffect(() => {
    if (complete) return;
    const timer = setTimeout(() => startTransition(() => setBudget(budget + ROWS_PER_BATCH)));
    return () => clearTimeout(timer);
  }, [complete, budget]);
  return drawn;
}
