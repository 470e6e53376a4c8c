import { button, primaryButton } from "../ui/styles";

/** Suggested memories, each with Keep and Discard (named after the memory, so a screen reader says which). */
export function SuggestedList({
  candidates,
  disabled,
  onKeep,
  onDiscard,
}: {
  candidates: string[];
  disabled: boolean;
  onKeep: (text: string) => void;
  onDiscard: (text: string) => void;
}) {
  if (candidates.length === 0) return null;
  return (
    <ul aria-label="Suggested memories" className="divide-y divide-border rounded-md border border-border">
      {candidates.map((text) => (
        <li key={text} className="flex flex-wrap items-start gap-2 p-2 text-sm">
          <p className="min-w-0 flex-1 break-words">{text}</p>
          <button type="button" className={primaryButton} disabled={disabled} aria-label={`Keep: ${text}`} onClick={() => onKeep(text)}>
            Keep
          </button>
          <button type="button" className={button} aria-label={`Discard: ${text}`} onClick={() => onDiscard(text)}>
            Discard
          </button>
        </li>
      ))}
    </ul>
  );
}
