import type { ConversationDocuments } from "./useConversationDocuments";
import { statusText } from "./api";

/** The conversation's documents as chips above the composer, each with its progress. */
export function DocumentChips({ docs }: { docs: ConversationDocuments }) {
  const { documents, uploads, detach, dismiss } = docs;
  if (!documents.length && !uploads.length) return null;
  return (
    <ul aria-label="Attached documents" className="mx-auto flex w-full max-w-3xl flex-wrap gap-2 px-4 pt-2">
      {uploads.map((u) => (
        <li
          key={u.key}
          className={`flex max-w-full items-center gap-2 rounded-full border px-3 py-1 text-xs ${u.error ? "border-destructive/50 bg-destructive/10" : "border-border bg-muted"}`}
        >
          <span className="truncate font-medium">{u.name}</span>
          {u.error ? (
            <>
              <span role="alert">{u.error}</span>
              <button type="button" className="underline" onClick={() => dismiss(u.key)} aria-label={`Dismiss ${u.name}`}>
                Dismiss
              </button>
            </>
          ) : (
            <span role="status">Reading…</span>
          )}
        </li>
      ))}
      {documents.map((d) => (
        <li key={d.id} className="flex max-w-full items-center gap-2 rounded-full border border-border bg-muted px-3 py-1 text-xs">
          <span className="truncate font-medium">{d.name}</span>
          <span role="status" className={d.status === "failed" ? "text-destructive" : "text-muted-foreground"}>
            {statusText(d)}
          </span>
          {d.status === "embedding" && (
            <progress className="h-1.5 w-14" max={d.passages} value={d.embedded} aria-label={`${d.name} embedding progress`} />
          )}
          <button
            type="button"
            className="text-muted-foreground hover:text-foreground"
            aria-label={`Remove ${d.name} from this conversation`}
            onClick={() => void detach(d.id)}
          >
            ×
          </button>
        </li>
      ))}
    </ul>
  );
}
