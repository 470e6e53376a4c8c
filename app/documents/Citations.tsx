import { useState } from "react";
import type { Citation } from "../../contract/documents";

/** An answer's sources: chips naming document and page; each opens the passage the model was given. */
export function Citations({ citations }: { citations: Citation[] }) {
  const [open, setOpen] = useState<number | null>(null);
  const shown = citations.find((c) => c.n === open);
  return (
    <div className="mt-1 w-full">
      <ul aria-label="Sources" className="flex flex-wrap gap-1.5">
        {citations.map((c) => (
          <li key={c.n}>
            <button
              type="button"
              aria-expanded={open === c.n}
              aria-controls={`source-${c.documentId}-${c.n}`}
              onClick={() => setOpen(open === c.n ? null : c.n)}
              className="rounded-full border border-border bg-card px-2.5 py-0.5 text-xs hover:bg-muted"
            >
              [{c.n}] {c.documentName}
              {c.page ? ` · p. ${c.page}` : ""}
            </button>
          </li>
        ))}
      </ul>
      {shown && (
        <blockquote
          id={`source-${shown.documentId}-${shown.n}`}
          aria-label={`Passage ${shown.n} from ${shown.documentName}`}
          className="mt-2 max-h-64 overflow-auto whitespace-pre-wrap rounded-md border-l-4 border-border bg-muted px-3 py-2 text-sm"
        >
          {shown.quote}
        </blockquote>
      )}
    </div>
  );
}
