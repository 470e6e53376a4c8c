import type { ImageRecord } from "../../contract/images-api";
import { button } from "../ui/styles";
import { useCountdown } from "../ui/useCountdown";
import { imageGrid } from "./grid";
import { ImageCard, type ImageActions } from "./ImageCard";

/** One slot per requested image: waiting, made, or failed with its own reason. */
export type Slot =
  | { key: string; state: "pending" }
  | { key: string; state: "done"; image: ImageRecord }
  | { key: string; state: "failed"; message: string; retryAfter: number; body: Record<string, unknown> };

type FailedSlot = Extract<Slot, { state: "failed" }>;

export function Results({ slots, onRetry, ...actions }: { slots: Slot[]; onRetry: (slot: FailedSlot) => void } & ImageActions) {
  if (!slots.length) return null;
  return (
    <section aria-label="Results" aria-live="polite" className={imageGrid} data-image-list="results">
      {slots.map((slot) =>
        slot.state === "done" ? (
          <ImageCard key={slot.key} image={slot.image} {...actions} />
        ) : slot.state === "failed" ? (
          <Failure key={slot.key} message={slot.message} retryAfter={slot.retryAfter} onRetry={() => onRetry(slot)} />
        ) : (
          <div
            key={slot.key}
            role="status"
            className="flex aspect-square animate-pulse items-center justify-center rounded-lg border border-border bg-muted text-sm text-muted-foreground"
          >
            Generating…
          </div>
        ),
      )}
    </section>
  );
}

/**
 * A failed image's reason and a Retry button; after a rate limit, Retry waits out the Retry-After
 * with a visible countdown (as the chat's ErrorNotice does) and is ready when it ends.
 */
function Failure({ message, retryAfter, onRetry }: { message: string; retryAfter: number; onRetry: () => void }) {
  const left = useCountdown(retryAfter, message);
  return (
    <div
      role="alert"
      className="flex flex-col items-start gap-2 rounded-lg border border-destructive/50 bg-destructive/10 p-3 text-sm text-destructive"
    >
      <p>{message}</p>
      {left > 0 && <span className="text-xs tabular-nums">Try again in {left} s</span>}
      <button type="button" className={button} onClick={onRetry} disabled={left > 0}>
        Retry
      </button>
    </div>
  );
}
