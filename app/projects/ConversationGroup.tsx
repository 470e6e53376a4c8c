import { type CSSProperties, useEffect, useRef, useState, type ReactNode } from "react";
import type { Project } from "../../contract/projects";
import { PencilIcon } from "../ui/RenameField";
import { StrokeIcon } from "../ui/StrokeIcon";
import { smallButton } from "../ui/styles";
import { CONVERSATION_DRAG_TYPE } from "./drag";

interface Props {
  /** null: the conversations in no project. */
  project: Project | null;
  /** Whether to title the section (the conversations in no project need none when there are no projects). */
  titled: boolean;
  children: ReactNode;
  /** A conversation row was dropped here. */
  onDrop: (conversationId: string) => void;
  onNewChat?: () => void;
  onEdit?: () => void;
  onDelete?: () => void;
  /** Conversations not loaded yet: "Show more" loads the next page (the list shows any error). */
  hidden?: number;
  /** Conversations drawn in it: the height it is given while out of view and not laid out. */
  rows?: number;
  onShowMore?: () => Promise<void>;
}

/** A section of the sidebar: a project (its name and actions) or "No project", and the place to drop a conversation into it. */
export function ConversationGroup({
  project,
  titled,
  children,
  onDrop,
  onNewChat,
  onEdit,
  onDelete,
  hidden = 0,
  rows = 0,
  onShowMore,
}: Props) {
  const [over, setOver] = useState(false);
  const name = project?.name ?? "No project";
  const more = useShowMore(onShowMore);
  const accepts = (e: React.DragEvent) => e.dataTransfer.types.includes(CONVERSATION_DRAG_TYPE);
  return (
    <section
      aria-label={titled ? (project ? `Project ${name}` : name) : undefined}
      // Sections out of view are not laid out until scrolled near (still found, focused and read by
      // assistive technology): with fifty projects, drawing or showing the list again otherwise took
      // one long task (bench/notes/long.md). Not while the focus is in it: a row's open menu holds the
      // focus, and containment would clip the menu.
      className={`mb-2 rounded-md [contain-intrinsic-block-size:auto_var(--group-height)] [&:not(:focus-within)]:[content-visibility:auto] ${over ? "bg-muted/70 outline-2 outline-dashed outline-primary" : ""}`}
      style={{ "--group-height": `${(titled ? 28 : 0) + rows * 32 + (onShowMore ? 24 : 0)}px` } as CSSProperties}
      onDragOver={(e) => {
        if (!accepts(e)) return;
        e.preventDefault();
        e.dataTransfer.dropEffect = "move";
        setOver(true);
      }}
      onDragLeave={(e) => {
        if (!e.currentTarget.contains(e.relatedTarget as Node | null)) setOver(false);
      }}
      onDrop={(e) => {
        setOver(false);
        const id = e.dataTransfer.getData(CONVERSATION_DRAG_TYPE);
        if (!id) return;
        e.preventDefault();
        onDrop(id);
      }}
    >
      {titled && (
        <div className="group flex items-center gap-1 px-2 pt-1">
          <h3 className="min-w-0 flex-1 truncate text-xs font-semibold uppercase tracking-wide text-muted-foreground" title={name}>
            {name}
          </h3>
          {project && (
            <span className="flex shrink-0">
              <button type="button" className={smallButton} aria-label={`New chat in ${name}`} onClick={onNewChat}>
                <StrokeIcon className="size-4">
                  <path d="M12 5v14M5 12h14" />
                </StrokeIcon>
              </button>
              <button type="button" className={smallButton} aria-label={`Edit project ${name}`} onClick={onEdit}>
                <PencilIcon />
              </button>
              <button type="button" className={smallButton} aria-label={`Delete project ${name}`} onClick={onDelete}>
                <StrokeIcon className="size-4">
                  <path d="M3 6h18M8 6V4h8v2M19 6l-1 14H6L5 6" />
                </StrokeIcon>
              </button>
            </span>
          )}
        </div>
      )}
      <ul ref={more.listRef}>{children}</ul>
      {onShowMore && (
        <button
          ref={more.buttonRef}
          type="button"
          className="mx-2 mt-0.5 rounded-md px-2 py-1 text-xs text-muted-foreground hover:bg-muted hover:text-foreground disabled:opacity-60"
          aria-disabled={more.loading}
          onClick={more.load}
        >
          {more.loading ? "Loading…" : "Show more"}
          <span className="sr-only"> {titled ? `in ${name}` : "conversations"}</span>
          {hidden > 0 && !more.loading && <span> ({hidden.toLocaleString("en-US")})</span>}
        </button>
      )}
    </section>
  );
}

/**
 * "Show more" loads once at a time. When it loads the last page the button leaves, so the keyboard
 * goes on to the first conversation it brought instead of the top of the page.
 */
function useShowMore(onShowMore: (() => Promise<void>) | undefined) {
  const [loading, setLoading] = useState(false);
  const listRef = useRef<HTMLUListElement>(null);
  const buttonRef = useRef<HTMLButtonElement>(null);
  const firstNew = useRef<number>(undefined);
  useEffect(() => {
    if (firstNew.current === undefined || loading) return;
    const row = listRef.current?.children[firstNew.current];
    firstNew.current = undefined;
    if (!buttonRef.current && document.activeElement === document.body) row?.querySelector<HTMLElement>("a")?.focus();
  });
  const load = () => {
    if (loading || !onShowMore) return;
    firstNew.current = listRef.current?.children.length ?? 0;
    setLoading(true);
    onShowMore().finally(() => setLoading(false));
  };
  return { loading, load, listRef, buttonRef };
}
