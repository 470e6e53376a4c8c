import { lazy, Suspense, useRef, useState } from "react";
import { Link } from "wouter";
import type { Conversation } from "../../contract/api";
import type { Project } from "../../contract/projects";
import { conversationPath } from "../chat/ids";
import { PencilIcon, RenameField } from "../ui/RenameField";
import { StrokeIcon } from "../ui/StrokeIcon";
import { smallButton } from "../ui/styles";
import { CONVERSATION_DRAG_TYPE } from "./drag";

// The menu (pin, archive, move) is fetched when first opened: not part of the chat page's first paint.
const ConversationMenu = lazy(() => import("./ConversationMenu"));

interface Props {
  conversation: Conversation;
  current: boolean;
  projects: Project[];
  renaming: boolean;
  onRenameStart: () => void;
  onRename: (title: string) => void;
  onRenameCancel: () => void;
  onShare: () => void;
  onDelete: () => void;
  /** After a pin, archive or move: the list is fetched again. */
  onPlaced: () => void;
  onError: (message: string) => void;
}

/**
 * One conversation in the sidebar: its link (draggable onto a project), and its actions. "More
 * actions" opens the menu that pins, archives and moves it: the keyboard's way to do what
 * dragging does.
 */
export function ConversationRow(props: Props) {
  const { conversation, current } = props;
  const [menuOpen, setMenuOpen] = useState(false);
  const moreRef = useRef<HTMLButtonElement>(null);
  return (
    <li
      data-conversation-id={conversation.id}
      className={`group relative flex items-center gap-1 rounded-md ${current ? "bg-muted" : "hover:bg-muted/60"}`}
      draggable={!props.renaming}
      onDragStart={(e) => {
        e.dataTransfer.setData(CONVERSATION_DRAG_TYPE, conversation.id);
        e.dataTransfer.effectAllowed = "move";
      }}
    >
      {props.renaming ? (
        <RenameField title={conversation.title} onSave={props.onRename} onCancel={props.onRenameCancel} />
      ) : (
        <>
          <Link
            href={conversationPath(conversation.id)}
            aria-current={current ? "page" : undefined}
            className="flex min-w-0 flex-1 items-center gap-1 rounded-md px-2 py-1.5 text-sm"
            title={conversation.title}
          >
            {conversation.pinned && (
              <span className="shrink-0 text-muted-foreground">
                <PinIcon />
                <span className="sr-only">Pinned: </span>
              </span>
            )}
            <span className="truncate">{conversation.title}</span>
          </Link>
          {/* Hidden until hover or focus on wide screens; always there on touch screens, which have no hover. */}
          <span className={`flex shrink-0 ${menuOpen ? "" : "md:opacity-0"} md:group-focus-within:opacity-100 md:group-hover:opacity-100`}>
            <button type="button" className={smallButton} aria-label={`Rename ${conversation.title}`} onClick={props.onRenameStart}>
              <PencilIcon />
            </button>
            <button type="button" className={smallButton} aria-label={`Share or export ${conversation.title}`} onClick={props.onShare}>
              <StrokeIcon className="size-4">
                <path d="M12 3v12M7 8l5-5 5 5M5 14v6h14v-6" />
              </StrokeIcon>
            </button>
            <button type="button" className={smallButton} aria-label={`Delete ${conversation.title}`} onClick={props.onDelete}>
              <StrokeIcon className="size-4">
                <path d="M3 6h18M8 6V4h8v2M19 6l-1 14H6L5 6" />
              </StrokeIcon>
            </button>
            <button
              ref={moreRef}
              type="button"
              className={smallButton}
              aria-label={`More actions for ${conversation.title}`}
              aria-haspopup="menu"
              aria-expanded={menuOpen}
              onClick={() => setMenuOpen((open) => !open)}
            >
              <StrokeIcon className="size-4">
                <path d="M5 12h.01M12 12h.01M19 12h.01" />
              </StrokeIcon>
            </button>
          </span>
          {menuOpen && (
            <Suspense fallback={null}>
              <ConversationMenu
                conversation={conversation}
                projects={props.projects}
                onClose={(refocus) => {
                  setMenuOpen(false);
                  if (refocus) moreRef.current?.focus();
                }}
                onPlaced={props.onPlaced}
                onError={props.onError}
              />
            </Suspense>
          )}
        </>
      )}
    </li>
  );
}

export function PinIcon() {
  return (
    <StrokeIcon className="size-3.5">
      <path d="M9 4h6l-1 6 3 3H7l3-3zM12 13v7" />
    </StrokeIcon>
  );
}
