import { useEffect, useState } from "react";
import type { ErrorBody } from "../../contract/errors";
import { readableMessage } from "../api";
import { button } from "./styles";

/** Seconds to wait, when the Worker said (a 429's `retryAfter`); the AI SDK hands us the body text. */
function retryAfterOf(text: string): number {
  try {
    return (JSON.parse(text) as Partial<ErrorBody>).error?.retryAfter ?? 0;
  } catch {
    return 0;
  }
}

/**
 * A failed request as a person reads it: the Worker's sentence and a Retry button. After a rate
 * limit the button waits out the Retry-After with a visible countdown instead of failing again.
 */
export function ErrorNotice({ error, onRetry }: { error: Error; onRetry: () => void }) {
  const [left, setLeft] = useState(() => retryAfterOf(error.message));
  useEffect(() => {
    setLeft(retryAfterOf(error.message));
  }, [error]);
  useEffect(() => {
    if (left <= 0) return;
    const timer = setTimeout(() => setLeft((s) => s - 1), 1000);
    return () => clearTimeout(timer);
  }, [left]);

  return (
    <div className="flex flex-wrap items-center gap-2">
      <span className="flex-1">{readableMessage(error.message)}</span>
      {left > 0 && <span className="text-xs tabular-nums text-muted-foreground" aria-live="off">Retry in {left} s</span>}
      <button type="button" className={button} onClick={onRetry} disabled={left > 0}>
        Retry
      </button>
    </div>
  );
}
