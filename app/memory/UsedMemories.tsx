import { useId, useState } from "react";
import type { UsedMemory } from "../../contract/memory";

/** Under an answer: "Used N memories", which opens the list of what the answer was given (as it read then). */
export default function UsedMemories({ memories }: { memories: UsedMemory[] }) {
  const [open, setOpen] = useState(false);
  const listId = useId();
  const label = memories.length === 1 ? "Used 1 memory" : `Used ${memories.length} memories`;
  return (
    <div className="mt-1 w-full text-xs">
      <button
        type="button"
        aria-expanded={open}
        aria-controls={listId}
        onClick={() => setOpen((o) => !o)}
        className="rounded-full border border-border bg-card px-2.5 py-0.5 hover:bg-muted"
      >
        {label}
      </button>
      <div id={listId}>
        {open && (
          <ul aria-label="Memories this answer used" className="mt-2 list-disc space-y-1 rounded-md bg-muted py-2 pr-3 pl-7 text-sm">
            {memories.map((m) => (
              <li key={m.id}>{m.text}</li>
            ))}
          </ul>
        )}
      </div>
    </div>
  );
}
