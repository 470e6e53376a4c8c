import { toApiError } from "../api";
import { button } from "./styles";
import { useCountdown } from "./useCountdown";

/**
 * A failed request as a person reads it: the Worker's sentence and a Retry button. After a rate
 * limit the button waits out the Retry-After with a visible countdown instead of failing again.
 */
export function ErrorNotice({ error, onRetry }: { error: Error; onRetry: () => void }) {
  const apiError = toApiError(error);
  const left = useCountdown(apiError.retryAfter, error);

  return (
    <div className="flex flex-wrap items-center gap-2">
      <span className="flex-1">{apiError.message}</span>
      {left > 0 && (
        <span className="text-xs tabular-nums text-muted-foreground" aria-live="off">
          Retry in {left} s
        </span>
      )}
      <button type="button" className={button} onClick={onRetry} disabled={left > 0}>
        Retry
      </button>
    </div>
  );
}
