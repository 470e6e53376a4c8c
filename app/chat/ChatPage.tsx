import { useEffect, useRef, useState } from "react";
import { Link, useLocation, useSearch } from "wouter";
import { iconButton, primaryButton } from "../ui/styles";
import { ConversationLoader } from "./ConversationLoader";
import { ConversationList } from "./ConversationList";
import { newConversationId, START_PROJECT_PARAM } from "./ids";
import { useConversations } from "./useConversations";
import { StrokeIcon } from "../ui/StrokeIcon";
import { holdFocusIn } from "./holdFocus";

/**
 * The chat page: the conversation list beside the open conversation. "/" and "/c/:id" share it. A
 * new chat gets an id up front; when its first message moves the address to /c/<that id>, the
 * ConversationLoader key stays the same, so the streaming conversation is not remounted.
 */
export default function ChatPage({ routeId }: { routeId: string | undefined }) {
  const [draftId, setDraftId] = useState(newConversationId);
  const [drawerOpen, setDrawerOpen] = useState(false);
  const [, navigate] = useLocation();
  const list = useConversations();
  const id = routeId ?? draftId;

  // A draft belongs to the project it was started in (/?project=<id>): "New chat" in another project,
  // or the main "New chat", starts a fresh draft (a new id, so its settings start over) instead of
  // carrying this one's. Set while rendering, so the old draft is never drawn under the new address.
  const search = useSearch();
  const draftProject = routeId === undefined ? new URLSearchParams(search).get(START_PROJECT_PARAM) : null;
  const [draftFor, setDraftFor] = useState(draftProject);
  if (routeId === undefined && draftProject !== draftFor) {
    setDraftFor(draftProject);
    setDraftId(newConversationId());
  }

  // Once the draft has its own address it is a real conversation; "New chat" must start another one.
  useEffect(() => {
    if (routeId === draftId) setDraftId(newConversationId());
  }, [routeId, draftId]);

  useEffect(() => setDrawerOpen(false), [id]);

  // The open drawer (below md) holds the focus like a dialog: it moves in, Tab cycles inside, Escape
  // closes, and focus goes back to the button that opened it.
  const openerRef = useRef<HTMLButtonElement>(null);
  const drawerRef = useRef<HTMLElement>(null);
  useEffect(() => {
    if (!drawerOpen || !drawerRef.current) return;
    return holdFocusIn(
      drawerRef.current,
      () => setDrawerOpen(false),
      () => openerRef.current,
    );
  }, [drawerOpen]);

  const menuButton = (
    <button
      ref={openerRef}
      type="button"
      className={`${iconButton} shrink-0 md:hidden`}
      aria-label="Conversations"
      aria-expanded={drawerOpen}
      aria-controls="conversations"
      onClick={() => setDrawerOpen(true)}
    >
      <StrokeIcon>
        <path d="M4 6h16M4 12h16M4 18h16" />
      </StrokeIcon>
    </button>
  );

  return (
    <div className="flex min-h-0 flex-1">
      {drawerOpen && (
        // The close button and Escape are the accessible ways out; the backdrop is a pointer convenience.
        <div aria-hidden="true" className="fixed inset-0 z-30 bg-black/40 md:hidden" onClick={() => setDrawerOpen(false)} />
      )}
      <nav
        ref={drawerRef}
        id="conversations"
        aria-label="Conversations"
        className={`${drawerOpen ? "fixed inset-y-0 left-0 z-40 flex shadow-xl" : "hidden"} w-72 max-w-[85vw] flex-col border-r border-border bg-card pt-3 md:static md:z-auto md:flex md:w-64 md:shadow-none lg:w-72`}
      >
        <div className="flex items-center gap-2 px-3 pb-3">
          <Link href="/" className={`${primaryButton} flex-1`}>
            New chat
          </Link>
          {drawerOpen && (
            <button
              type="button"
              className={`${iconButton} md:hidden`}
              aria-label="Close conversations"
              onClick={() => setDrawerOpen(false)}
            >
              <StrokeIcon>
                <path d="M6 6l12 12M18 6L6 18" />
              </StrokeIcon>
            </button>
          )}
        </div>
        <ConversationList
          conversations={list.conversations}
          groups={list.groups}
          onShowMore={list.showMore}
          loadError={list.error}
          currentId={routeId}
          query={list.query}
          onQueryChange={list.setQuery}
          onChanged={list.refresh}
          onDeleted={(deletedId) => {
            list.refresh();
            if (deletedId === routeId) navigate("/", { replace: true });
          }}
        />
      </nav>
      <main className="flex min-w-0 flex-1">
        <ConversationLoader key={id} id={id} isNew={routeId === undefined} onConversationsChanged={list.refresh} menuButton={menuButton} />
      </main>
    </div>
  );
}
