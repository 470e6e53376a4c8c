import { useId, useState } from "react";
import type { Project } from "../../contract/projects";
import { button, dangerButton } from "../ui/styles";
import { useModalDialog } from "../ui/useModalDialog";

interface Props {
  project: Project;
  /** How many of the person's listed conversations are in it. */
  conversations: number;
  onConfirm: (conversations: "keep" | "delete") => void;
  onCancel: () => void;
}

/** Deleting a project asks what becomes of its conversations: kept (outside any project) unless the person says otherwise. */
export default function DeleteProjectDialog({ project, conversations, onConfirm, onCancel }: Props) {
  const { props, titleId } = useModalDialog(onCancel);
  const name = useId();
  const [choice, setChoice] = useState<"keep" | "delete">("keep");
  const count = `${conversations} conversation${conversations === 1 ? "" : "s"}`;
  return (
    <dialog
      {...props}
      className="m-auto w-[min(26rem,calc(100vw-2rem))] rounded-lg border border-border bg-card p-5 text-card-foreground shadow-xl backdrop:bg-black/50"
    >
      <h2 id={titleId} className="text-base font-semibold">
        Delete project “{project.name}”?
      </h2>
      <fieldset className="mt-3 space-y-2 text-sm">
        <legend className="text-muted-foreground">Its instructions go with it. What about its {count}?</legend>
        <label className="flex items-center gap-2">
          <input type="radio" name={name} checked={choice === "keep"} onChange={() => setChoice("keep")} autoFocus />
          Keep them, outside any project
        </label>
        <label className="flex items-center gap-2">
          <input type="radio" name={name} checked={choice === "delete"} onChange={() => setChoice("delete")} />
          Delete them too (this cannot be undone)
        </label>
      </fieldset>
      <div className="mt-5 flex justify-end gap-2">
        <button type="button" className={button} onClick={onCancel}>
          Cancel
        </button>
        <button type="button" className={dangerButton} onClick={() => onConfirm(choice)}>
          Delete project
        </button>
      </div>
    </dialog>
  );
}
