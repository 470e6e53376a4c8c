import { lazy, Suspense, useEffect, useMemo, useRef, useState } from "react";
import { Link, useLocation } from "wouter";
import type { Conversation, SidebarGroup } from "../../contract/api";
import type { Project } from "../../contract/projects";
import { deleteConversation, updateConversation } from "../api";
import { ConfirmDialog } from "../ui/ConfirmDialog";
import { input, smallButton } from "../ui/styles";
import { chatInProjectPath } from "./ids";
import { deleteProject, placeConversation } from "../projects/api";
import { type SidebarActions, SidebarGroups } from "../projects/SidebarGroups";
import { groupConversations } from "../projects/groups";
import { useProjects } from "../projects/useProjects";

// Sharing, export, search results, the project dialogs and the Archived view are not part of the chat page's first paint.
const ShareAndExportDialog = lazy(() => import("../share/ShareAndExportDialog"));
const SearchResults = lazy(() => import("../search/SearchResults"));
const ProjectDialog = lazy(() => import("../projects/ProjectDialog"));
const DeleteProjectDialog = lazy(() => import("../projects/DeleteProjectDialog"));
const ArchivedList = lazy(() => import("../projects/ArchivedList"));

interface Props {
  conversations: Conversation[] | undefined;
  /** Each group's size and whether it has a next page (the server's pages). */
  groups?: SidebarGroup[];
  loadError: string | undefined;
  currentId: string | undefined;
  query: string;
  onQueryChange: (q: string) => void;
  onChanged: () => void;
  onDeleted: (id: string) => void;
  /** Loads a group's next page (null: the conversations in no project); rejects with the sentence to show. */
  onShowMore?: (projectId: string | null) => Promise<void>;
}

/**
 * The sidebar: search, then the conversations grouped by project (pinned first in each), each
 * project with its own "New chat"; conversations move between projects by their menu or by drag
 * and drop. Archived conversations leave the list for the Archived view (search still finds them).
 */
export function ConversationList({
  conversations,
  groups: pages,
  loadError,
  currentId,
  query,
  onQueryChange,
  onChanged,
  onDeleted,
  onShowMore,
}: Props) {
  const [, navigate] = useLocation();
  const projects = useProjects();
  const [renamingId, setRenamingId] = useState<string>();
  const [deleting, setDeleting] = useState<Conversation>();
  const [sharing, setSharing] = useState<Conversation>();
  const [editing, setEditing] = useState<Project | "new">();
  const [deletingProject, setDeletingProject] = useState<Project>();
  const [showArchived, setShowArchived] = useState(false);
  const [actionError, setActionError] = useState<string>();

  // The Delete button that had the focus leaves with its row once the list is fetched again: the
  // keyboard then goes to the search box, in the list, instead of the top of the page.
  const deletedRef = useRef<string>(undefined);
  const searchRef = useRef<HTMLInputElement>(null);
  // A conversation moved by its menu is drawn again in its new section: its menu button gets the
  // focus back there (or, archived and gone from the list, the search box does).
  const placedRef = useRef<string>(undefined);
  const listRef = useRef<HTMLDivElement>(null);
  useEffect(() => {
    const lost = !document.activeElement || document.activeElement === document.body;
    if (placedRef.current && lost) {
      const row = listRef.current?.querySelector(`[data-conversation-id="${CSS.escape(placedRef.current)}"]`);
      (row?.querySelector<HTMLElement>('button[aria-haspopup="menu"]') ?? searchRef.current)?.focus();
    }
    placedRef.current = undefined;
    if (!deletedRef.current || conversations?.some((c) => c.id === deletedRef.current)) return;
    deletedRef.current = undefined;
    if (lost) searchRef.current?.focus();
  }, [conversations]);

  const done = (failure: string) =>
    [
      () => {
        setActionError(undefined);
        onChanged();
      },
      (e: Error) => setActionError(`${failure}: ${e.message}`),
    ] as const;

  const rename = (conversation: Conversation, title: string) => {
    setRenamingId(undefined);
    if (!title.trim() || title.trim() === conversation.title) return;
    updateConversation(conversation.id, { title: title.trim() }).then(...done("Could not rename"));
  };

  const confirmDelete = (conversation: Conversation) => {
    setDeleting(undefined);
    deleteConversation(conversation.id).then(
      () => {
        setActionError(undefined);
        deletedRef.current = conversation.id;
        onDeleted(conversation.id);
      },
      (e: Error) => setActionError(`Could not delete: ${e.message}`),
    );
  };

  const move = (conversationId: string, projectId: string | null) => {
    const conversation = conversations?.find((c) => c.id === conversationId);
    if (!conversation || (conversation.projectId ?? null) === projectId) return;
    placeConversation(conversationId, { projectId }).then(...done("Could not move"));
  };

  // A draft, as the main "New chat" is: nothing is saved until its first message makes the conversation in the project.
  const newChatIn = (project: Project) => navigate(chatInProjectPath(project.id));

  const confirmDeleteProject = (project: Project, choice: "keep" | "delete") => {
    setDeletingProject(undefined);
    deleteProject(project.id, choice).then(() => {
      setActionError(undefined);
      projects.refresh();
      onChanged();
      if (choice === "delete" && conversations?.some((c) => c.id === currentId && c.projectId === project.id))
        navigate("/", { replace: true });
    }, done("Could not delete the project")[1]);
  };

  const groups = useMemo(
    () => groupConversations(conversations ?? [], projects.projects, pages),
    [conversations, projects.projects, pages],
  );
  const showMore = (projectId: string | null) =>
    onShowMore?.(projectId).then(
      () => setActionError(undefined),
      (e: Error) => setActionError(`Could not load more conversations: ${e.message}`),
    ) ?? Promise.resolve();
  const error = actionError ?? loadError ?? projects.error;
  // The rows call the newest handlers through this, so they are drawn again only when what they show changes.
  const actions = useRef<SidebarActions>(null!);
  actions.current = {
    move,
    newChatIn,
    editProject: setEditing,
    deleteProject: setDeletingProject,
    showMore,
    renameStart: setRenamingId,
    rename,
    renameCancel: () => setRenamingId(undefined),
    share: setSharing,
    delete: setDeleting,
    placed: (id) => {
      placedRef.current = id;
      onChanged();
    },
    error: setActionError,
  };

  return (
    <div className="flex min-h-0 flex-1 flex-col">
      <div className="px-3 pb-2">
        <label htmlFor="conversation-search" className="sr-only">
          Search conversations
        </label>
        <input
          ref={searchRef}
          id="conversation-search"
          type="search"
          className={input}
          placeholder="Search messages and titles"
          value={query}
          onChange={(e) => onQueryChange(e.target.value)}
        />
      </div>
      {error && (
        <p role="alert" className="mx-3 mb-2 text-xs text-destructive">
          {error}
        </p>
      )}
      {query.trim() && (
        <Suspense
          fallback={
            <p role="status" className="px-5 text-xs text-muted-foreground">
              Searching…
            </p>
          }
        >
          <SearchResults query={query.trim()} />
        </Suspense>
      )}
      {/* While searching, the results stand in for the list. */}
      <div ref={listRef} hidden={!!query.trim()} className="min-h-0 flex-1 overflow-y-auto px-2 pb-3">
        <div className="flex gap-1 px-1 pb-1">
          <button type="button" className={smallButton} onClick={() => setEditing("new")}>
            New project
          </button>
          <button type="button" className={smallButton} aria-pressed={showArchived} onClick={() => setShowArchived((v) => !v)}>
            Archived
          </button>
        </div>
        {showArchived ? (
          <Suspense fallback={null}>
            <ArchivedList onChanged={onChanged} />
          </Suspense>
        ) : (
          <>
            {conversations?.length === 0 && projects.projects.length === 0 && (
              <p className="px-2 py-1 text-sm text-muted-foreground">No conversations yet.</p>
            )}
            {projects.settled && conversations && (
              <SidebarGroups groups={groups} projects={projects.projects} currentId={currentId} renamingId={renamingId} actions={actions} />
            )}
          </>
        )}
      </div>
      <Link href="/data" className="mx-3 mb-3 rounded-md px-2 py-1.5 text-sm text-muted-foreground hover:bg-muted hover:text-foreground">
        Shared links, export and import
      </Link>
      {sharing && (
        <Suspense fallback={null}>
          <ShareAndExportDialog conversation={sharing} onClose={() => setSharing(undefined)} />
        </Suspense>
      )}
      {editing && (
        <Suspense fallback={null}>
          <ProjectDialog
            project={editing === "new" ? undefined : editing}
            onSaved={() => {
              setEditing(undefined);
              projects.refresh();
            }}
            onClose={() => setEditing(undefined)}
          />
        </Suspense>
      )}
      {deletingProject && (
        <Suspense fallback={null}>
          <DeleteProjectDialog
            project={deletingProject}
            conversations={groups.find((g) => g.project?.id === deletingProject.id)?.total ?? 0}
            onConfirm={(choice) => confirmDeleteProject(deletingProject, choice)}
            onCancel={() => setDeletingProject(undefined)}
          />
        </Suspense>
      )}
      {deleting && (
        <ConfirmDialog
          title="Delete conversation?"
          confirmLabel="Delete"
          onConfirm={() => confirmDelete(deleting)}
          onCancel={() => setDeleting(undefined)}
        >
          “{deleting.title}” and all its messages will be deleted. This cannot be undone.
        </ConfirmDialog>
      )}
    </div>
  );
}
