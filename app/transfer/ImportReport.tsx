import { conversationPath } from "../chat/ids";
import { outcomeSummary } from "./import-summary";
import type { ImportOutcome } from "./run-import";

/** What an import did: the summary, what the zip held besides, and each conversation imported or skipped with why. */
export function ImportReport({ outcome, ignored }: { outcome: ImportOutcome; ignored: string | null }) {
  const imported = outcome.items.filter((i) => !i.skipped && i.id);
  const skipped = outcome.items.filter((i) => i.skipped);
  return (
    <div role="status" className="mt-3 space-y-2 text-sm">
      <p>{outcomeSummary(outcome)}</p>
      {ignored && <p className="text-muted-foreground">{ignored}</p>}
      {imported.length > 0 && (
        <ul aria-label="Imported conversations" className="max-h-60 list-disc overflow-y-auto pl-5">
          {imported.map((c) => (
            <li key={c.index}>
              <a className="underline" href={conversationPath(c.id!)}>
                {c.title}
              </a>
            </li>
          ))}
        </ul>
      )}
      {skipped.length > 0 && (
        <>
          <h3 className="font-medium">Skipped</h3>
          <ul aria-label="Skipped conversations" className="max-h-60 list-disc overflow-y-auto pl-5">
            {skipped.map((c) => (
              <li key={c.index}>
                {c.id ? (
                  <a className="underline" href={conversationPath(c.id)}>
                    {c.title}
                  </a>
                ) : (
                  <span className="font-medium">{c.title}</span>
                )}
                : {c.reason}
              </li>
            ))}
          </ul>
        </>
      )}
    </div>
  );
}
