import type { ImageRecord } from "../../contract/images-api";
import { useCountdown } from "../ui/useCountdown";
import { imageGrid } from "./grid";
import { ImageCard, type ImageActions } from "./ImageCard";

/** One slot per requested image: waiting, made, or failed with its own reason. */
export type Slot =
  | { key: string; state: "pending" }
  | { key: string; state: "done"; image: ImageRecord }
  | { key: string; state: "failed"; message: string; retryAfter: number };

export function Results({ slots, ...actions }: { slots: Slot[] } & ImageActions) {
  if (!slots.length) return null;
  return (
    <section aria-label="Results" aria-live="polite" className={imageGrid} data-image-list="results">
      {slots.map((slot) =>
        slot.state === "done" ? (
          <ImageCard key={slot.key} image={slot.image} {...actions} />
        ) : slot.state === "failed" ? (
          <Failure key={slot.key} message={slot.message} retryAfter={slot.retryAfter} />
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

/** A failed image's reason; after a rate limit, how long until generating again can work. */
function Failure({ message, retryAfter }: { message: string; retryAfter: number }) {
  const left = useCountdown(retryAfter, message);
  return (
    <p role="alert" className="rounded-lg border border-destructive/50 bg-destructive/10 p-3 text-sm text-destructive">
      {message}
      {left > 0 && <span className="mt-1 block text-xs tabular-nums">Try again in {left} s</span>}
    </p>
  );
}
