import { useId } from "react";
import { findChatModel } from "../../../contract/models";
import { formatCost } from "../../../contract/pricing";
import { button, primaryButton } from "../../ui/styles";
import { speed } from "../messageText";
import type { Column } from "./useCompareAnswers";

export const modelLabel = (model: string) => findChatModel(model)?.label ?? model;

/** One model's answer side by side: a region named by the model, its text as it comes, then its speed and cost. */
export function AnswerColumn({
  column,
  keeping,
  onStop,
  onKeep,
}: {
  column: Column;
  keeping?: string;
  onStop: () => void;
  onKeep: () => void;
}) {
  const headingId = useId();
  const { answer } = column;
  const label = modelLabel(column.model);
  const meta = answer.metadata;
  const stats = meta && answer.ended ? [speed(meta), meta.cost && `Cost ${formatCost(meta.cost)}`].filter(Boolean).join(" · ") : undefined;
  const status = meta?.status && meta.status !== "complete" ? ` (${meta.status})` : "";
  return (
    <section aria-labelledby={headingId} className="flex min-w-0 flex-col gap-2 rounded-lg border border-border p-3">
      <h3 id={headingId} className="text-sm font-semibold">
        {label}
        {status}
      </h3>
      <div className="min-h-16 whitespace-pre-wrap break-words text-sm" aria-live="polite" aria-busy={!answer.ended}>
        {answer.text || (!answer.ended ? "Writing…" : "")}
      </div>
      {answer.error && (
        <p role="alert" className="text-sm text-destructive">
          {answer.error}
        </p>
      )}
      {stats && <p className="text-xs text-muted-foreground">{stats}</p>}
      <div className="mt-auto flex gap-2">
        {!answer.ended && (
          <button type="button" className={button} onClick={onStop} aria-label={`Stop ${label}`}>
            Stop
          </button>
        )}
        {answer.ended && column.messageId && answer.text && (
          <button
            type="button"
            className={primaryButton}
            disabled={keeping !== undefined}
            onClick={onKeep}
            aria-label={`Keep this one: ${label}`}
          >
            {keeping === column.messageId ? "Keeping…" : "Keep this one"}
          </button>
        )}
      </div>
    </section>
  );
}
