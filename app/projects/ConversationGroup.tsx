import { useState, type ReactNode } from "react";
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
}

/** A section of the sidebar: a project (its name and actions) or "No project", and the place to drop a conversation into it. */
export function ConversationGroup({ project, titled, children, onDrop, onNewChat, onEdit, onDelete }: Props) {
  const [over, setOver] = useState(false);
  const name = project?.name ?? "No project";
  const accepts = (e: React.DragEvent) => e.dataTransfer.types.includes(CONVERSATION_DRAG_TYPE);
  return (
    <section
      aria-label={titled ? (project ? `Project ${name}` : name) : undefined}
      className={`mb-2 rounded-md ${over ? "bg-muted/70 outline-2 outline-dashed outline-primary" : ""}`}
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
      <ul>{children}</ul>
    </section>
  );
}
