import { useEffect, useRef, type KeyboardEvent } from "react";
import type { Conversation } from "../../contract/api";
import type { ConversationPlace, Project } from "../../contract/projects";
import { placeConversation } from "./api";

interface Props {
  conversation: Conversation;
  projects: Project[];
  /** `refocus`: give the focus back to the menu's button (Escape, or an item chosen). */
  onClose: (refocus: boolean) => void;
  onPlaced: () => void;
  onError: (message: string) => void;
}

/**
 * A conversation's menu (the ARIA menu pattern): pin, archive, suggest memories from it, move into a
 * project or out of one.
 * Focus starts on the first item; arrows, Home and End move it; Escape and Tab close it.
 */
export default function ConversationMenu({ conversation, projects, onClose, onPlaced, onError }: Props) {
  const ref = useRef<HTMLDivElement>(null);
  const items = () => [...(ref.current?.querySelectorAll<HTMLElement>('[role="menuitem"]') ?? [])];
  // biome-ignore lint/correctness/useExhaustiveDependencies: once, on opening: focus goes to the first item
  useEffect(() => items()[0]?.focus(), []);

  const inProject = projects.find((p) => p.id === conversation.projectId);
  const choose = (place: ConversationPlace, failure: string) => {
    onClose(true);
    placeConversation(conversation.id, place).then(onPlaced, (e: Error) => onError(`${failure}: ${e.message}`));
  };

  const onKeyDown = (e: KeyboardEvent) => {
    const all = items();
    const at = all.indexOf(document.activeElement as HTMLElement);
    const go = (index: number) => all[(index + all.length) % all.length]?.focus();
    if (e.key === "ArrowDown") go(at + 1);
    else if (e.key === "ArrowUp") go(at - 1);
    else if (e.key === "Home") go(0);
    else if (e.key === "End") go(all.length - 1);
    else if (e.key === "Escape") onClose(true);
    else if (e.key === "Tab") onClose(false);
    else return;
    if (e.key !== "Tab") e.preventDefault();
  };

  const item = "block w-full rounded px-2 py-1.5 text-left text-sm hover:bg-muted focus:bg-muted focus:outline-none";
  return (
    <div
      ref={ref}
      role="menu"
      aria-label={`Actions for ${conversation.title}`}
      className="absolute top-full right-0 z-20 mt-1 w-56 rounded-md border border-border bg-card p-1 text-card-foreground shadow-lg"
      onKeyDown={onKeyDown}
      // A click or focus elsewhere closes it, as a menu does.
      onBlur={(e) => {
        if (!ref.current?.contains(e.relatedTarget as Node | null)) onClose(false);
      }}
    >
      <button
        type="button"
        role="menuitem"
        tabIndex={-1}
        className={item}
        onClick={() => choose({ pinned: !conversation.pinned }, "Could not pin")}
      >
        {conversation.pinned ? "Unpin" : "Pin"}
      </button>
      <button
        type="button"
        role="menuitem"
        tabIndex={-1}
        className={item}
        onClick={() => choose({ archived: !conversation.archived }, "Could not archive")}
      >
        {conversation.archived ? "Unarchive" : "Archive"}
      </button>
      <button
        type="button"
        role="menuitem"
        tabIndex={-1}
        className={item}
        onClick={() => {
          onClose(true);
          // Loaded when chosen: the chat page's first load does not carry memory's code.
          import("../memory/SuggestFromConversation").then(
            (module) => module.openSuggestMemories(conversation),
            (e: Error) => onError(`Could not open Suggest memories: ${e.message}`),
          );
        }}
      >
        Suggest memories…
      </button>
      {projects
        .filter((p) => p.id !== conversation.projectId)
        .map((project) => (
          <button
            key={project.id}
            type="button"
            role="menuitem"
            tabIndex={-1}
            className={item}
            onClick={() => choose({ projectId: project.id }, "Could not move")}
          >
            Move to {project.name}
          </button>
        ))}
      {inProject && (
        <button type="button" role="menuitem" tabIndex={-1} className={item} onClick={() => choose({ projectId: null }, "Could not move")}>
          Remove from {inProject.name}
        </button>
      )}
    </div>
  );
}
