import { lazy, Suspense, useEffect, useRef, useState } from "react";
import { Link } from "wouter";
import type { Conversation } from "../../contract/api";
import { deleteConversation, updateConversation } from "../api";
import { ConfirmDialog } from "../ui/ConfirmDialog";
import { input, smallButton } from "../ui/styles";
import { conversationPath } from "./ids";
import { StrokeIcon } from "../ui/StrokeIcon";
import { PencilIcon, RenameField } from "../ui/RenameField";

// Sharing, export and search results are not part of the chat page's first paint.
const ShareAndExportDialog = lazy(() => import("../share/ShareAndExportDialog"));
const SearchResults = lazy(() => import("../search/SearchResults"));

interface Props {
  conversations: Conversation[] | undefined;
  loadError: string | undefined;
  currentId: string | undefined;
  query: string;
  onQueryChange: (q: string) => void;
  onChanged: () => void;
  onDeleted: (id: string) => void;
}

export function ConversationList({ conversations, loadError, currentId, query, onQueryChange, onChanged, onDeleted }: Props) {
  const [renamingId, setRenamingId] = useState<string>();
  const [deleting, setDeleting] = useState<Conversation>();
  const [sharing, setSharing] = useState<Conversation>();
  const [actionError, setActionError] = useState<string>();

  // The Delete button that had the focus leaves with its row once the list is fetched again: the
  // keyboard then goes to the search box, in the list, instead of the top of the page.
  const deletedRef = useRef<string>(undefined);
  const searchRef = useRef<HTMLInputElement>(null);
  useEffect(() => {
    if (!deletedRef.current || conversations?.some((c) => c.id === deletedRef.current)) return;
    deletedRef.current = undefined;
    if (!document.activeElement || document.activeElement === document.body) searchRef.current?.focus();
  }, [conversations]);

  const rename = (conversation: Conversation, title: string) => {
    setRenamingId(undefined);
    if (!title.trim() || title.trim() === conversation.title) return;
    updateConversation(conversation.id, { title: title.trim() }).then(
      () => {
        setActionError(undefined);
        onChanged();
      },
      (e: Error) => setActionError(`Could not rename: ${e.message}`),
    );
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
      {(loadError || actionError) && (
        <p role="alert" className="mx-3 mb-2 text-xs text-destructive">
          {actionError ?? loadError}
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
      <ul hidden={!!query.trim()} className="min-h-0 flex-1 overflow-y-auto px-2 pb-3">
        {conversations?.length === 0 && <li className="px-2 py-1 text-sm text-muted-foreground">No conversations yet.</li>}
        {conversations?.map((conversation) => {
          const current = conversation.id === currentId;
          return (
            <li key={conversation.id} className={`group flex items-center gap-1 rounded-md ${current ? "bg-muted" : "hover:bg-muted/60"}`}>
              {renamingId === conversation.id ? (
                <RenameField
                  title={conversation.title}
                  onSave={(title) => rename(conversation, title)}
                  onCancel={() => setRenamingId(undefined)}
                />
              ) : (
                <>
                  <Link
                    href={conversationPath(conversation.id)}
                    aria-current={current ? "page" : undefined}
                    className="min-w-0 flex-1 truncate rounded-md px-2 py-1.5 text-sm"
                    title={conversation.title}
                  >
                    {conversation.title}
                  </Link>
                  {/* Hidden until hover or focus on wide screens; always there on touch screens, which have no hover. */}
                  <span className="flex shrink-0 md:opacity-0 md:group-focus-within:opacity-100 md:group-hover:opacity-100">
                    <button
                      type="button"
                      className={smallButton}
                      aria-label={`Rename ${conversation.title}`}
                      onClick={() => setRenamingId(conversation.id)}
                    >
                      <PencilIcon />
                    </button>
                    <button
                      type="button"
                      className={smallButton}
                      aria-label={`Share or export ${conversation.title}`}
                      onClick={() => setSharing(conversation)}
                    >
                      <ShareIcon />
                    </button>
                    <button
                      type="button"
                      className={smallButton}
                      aria-label={`Delete ${conversation.title}`}
                      onClick={() => setDeleting(conversation)}
                    >
                      <TrashIcon />
                    </button>
                  </span>
                </>
              )}
            </li>
          );
        })}
      </ul>
      <Link href="/data" className="mx-3 mb-3 rounded-md px-2 py-1.5 text-sm text-muted-foreground hover:bg-muted hover:text-foreground">
        Shared links, export and import
      </Link>
      {sharing && (
        <Suspense fallback={null}>
          <ShareAndExportDialog conversation={sharing} onClose={() => setSharing(undefined)} />
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

function ShareIcon() {
  return (
    <StrokeIcon className="size-4">
      <path d="M12 3v12M7 8l5-5 5 5M5 14v6h14v-6" />
    </StrokeIcon>
  );
}

function TrashIcon() {
  return (
    <StrokeIcon className="size-4">
      <path d="M3 6h18M8 6V4h8v2M19 6l-1 14H6L5 6" />
    </StrokeIcon>
  );
}
