import { Link } from "wouter";
import type { BackendStatus } from "../../contract/api";

function statusLabel(status: BackendStatus): string {
  const model = status.engine?.textModel;
  return model && !status.label.includes(model) ? `${status.label} · ${model}` : status.label;
}

/** The smaller of what is left of the person's budget and of the deployment's; undefined when neither is set. */
export function neuronsLeft(budget: BackendStatus["budget"]): number | undefined {
  const left = [budget, budget.global].filter((b) => b.limit > 0).map((b) => Math.max(0, b.limit - b.used));
  return left.length ? Math.min(...left) : undefined;
}

export function BackendStatusBadge({ status }: { status: BackendStatus | undefined }) {
  if (!status) return null;
  const left = neuronsLeft(status.budget);
  return (
    <>
      {/* In the header from md; below it, in the header's menu (HeaderMenu), where there is room for it. */}
      <span className="max-w-full truncate text-xs text-muted-foreground" title="Backend answering chat requests">
        {statusLabel(status)}
      </span>
      {left !== undefined && (
        // A link to the person's own usage (app/usage/MyUsagePage.tsx): where the number comes from.
        <Link
          href="/usage/mine"
          className="max-w-full truncate text-xs tabular-nums text-muted-foreground hover:underline"
          title="What you may still spend on this app today, in Workers AI neurons; it resets at 00:00 UTC"
        >
          {left.toLocaleString("en-US")} neurons left today
        </Link>
      )}
    </>
  );
}

/** The local engine's part a page needs: text for chat, the image pipeline, the captioner. */
export type EngineFeature = "text" | "images" | "vision";

const CANNOT: Record<EngineFeature, string> = {
  text: "The local engine is not ready.",
  images: "The local engine cannot make images yet.",
  vision: "The local engine cannot read images yet.",
};

/**
 * Shown when the local engine cannot do what this page needs, before anyone tries: its `problem`
 * sentence says what to do. Real Workers AI has every model, so then there is nothing to show.
 */
export function EngineProblemBanner({ status, feature }: { status: BackendStatus | undefined; feature: EngineFeature }) {
  const engine = status?.engine;
  if (!engine) return null;
  const part = feature === "text" ? engine : engine[feature];
  // An image model still loading is not ready either, but has nothing to fix: only a problem shows.
  if (!part || part.ready || (feature !== "text" && !part.problem)) return null;
  return (
    <section
      aria-label="Local engine problem"
      className="border-b border-amber-500/40 bg-amber-100 px-4 py-2 text-sm text-amber-950 dark:bg-amber-950 dark:text-amber-100"
    >
      <strong className="font-semibold">{CANNOT[feature]}</strong> {part.problem ?? "Check the terminal running the dev server."}
    </section>
  );
}
