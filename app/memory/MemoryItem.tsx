import { type FormEvent, useId, useState } from "react";
import { type Memory, MEMORY_LIMITS } from "../../contract/memory";
import { button, input, primaryButton } from "../ui/styles";

/** One memory in Settings → Memory: its text, or a form to edit it in place. */
export function MemoryItem({
  memory,
  busy,
  onSave,
  onDelete,
}: {
  memory: Memory;
  busy: boolean;
  /** Resolves true once saved (the form then closes); on failure the page shows why and the form stays. */
  onSave: (text: string) => Promise<boolean>;
  onDelete: () => void;
}) {
  const [editing, setEditing] = useState(false);
  const [text, setText] = useState(memory.text);
  const fieldId = useId();

  const save = async (event: FormEvent) => {
    event.preventDefault();
    if (await onSave(text)) setEditing(false);
  };

  return (
    <li className="p-3 text-sm">
      {editing ? (
        <form onSubmit={save} className="space-y-2">
          <label htmlFor={fieldId} className="block font-medium">
            Edit memory
          </label>
          <textarea
            id={fieldId}
            className={input}
            rows={2}
            maxLength={MEMORY_LIMITS.chars}
            value={text}
            onChange={(e) => setText(e.target.value)}
            autoFocus
          />
          <div className="flex gap-2">
            <button type="submit" className={primaryButton} disabled={busy || !text.trim()}>
              Save
            </button>
            <button
              type="button"
              className={button}
              onClick={() => {
                setText(memory.text);
                setEditing(false);
              }}
            >
              Cancel
            </button>
          </div>
        </form>
      ) : (
        <div className="flex flex-wrap items-start gap-2">
          <div className="min-w-0 flex-1">
            <p className="break-words">{memory.text}</p>
            {!memory.embedded && (
              <p className="mt-1 text-xs text-muted-foreground">Found only by questions that share its words until it is embedded.</p>
            )}
          </div>
          <button type="button" className={button} disabled={busy} aria-label={`Edit: ${memory.text}`} onClick={() => setEditing(true)}>
            Edit
          </button>
          <button type="button" className={button} disabled={busy} aria-label={`Delete: ${memory.text}`} onClick={onDelete}>
            Delete
          </button>
        </div>
      )}
    </li>
  );
}
