import { useId, useState } from "react";
import { thinkingTime } from "../../contract/reasoning";

interface Props {
  text: string;
  /** The model is still writing this reasoning (the answer streams and the part is open). */
  thinking: boolean;
  /** The answer's thinking time (metadata.reasoningMs); shown on its first reasoning only, since it covers them all. */
  reasoningMs?: number;
}

/**
 * A reasoning model's reasoning, collapsed under "Thinking…" while it is written and "Thought for N s"
 * after, behind a real button. The text is plain: it is the model's scratch work, not the answer, and
 * is never rendered as markup. Collapsed, it is not in the page at all (a long reasoning streaming in
 * would otherwise re-render unseen on every token).
 */
export function ReasoningPart({ text, thinking, reasoningMs }: Props) {
  const [open, setOpen] = useState(false);
  const regionId = useId();
  const label = thinking ? "Thinking…" : reasoningMs !== undefined ? `Thought for ${thinkingTime(reasoningMs)}` : "Thought";
  return (
    <div className="mb-2 text-sm text-muted-foreground">
      <button
        type="button"
        className="inline-flex items-center gap-1 rounded-sm hover:text-foreground focus-visible:outline-2 focus-visible:outline-ring"
        aria-expanded={open}
        aria-controls={regionId}
        onClick={() => setOpen((o) => !o)}
      >
        <span aria-hidden="true" className={`inline-block transition-transform ${open ? "rotate-90" : ""}`}>
          ▸
        </span>
        <span className={thinking ? "animate-pulse" : undefined}>{label}</span>
      </button>
      <div id={regionId} hidden={!open} className="mt-1 border-l-2 border-border pl-3">
        {open && <p className="whitespace-pre-wrap break-words">{text}</p>}
      </div>
    </div>
  );
}
