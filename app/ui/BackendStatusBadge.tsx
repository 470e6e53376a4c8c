import type { BackendStatus } from "../../contract/api";

function statusLabel(status: BackendStatus): string {
  const model = status.engine?.textModel;
  return model && !status.label.includes(model) ? `${status.label} · ${model}` : status.label;
}

export function BackendStatusBadge({ status }: { status: BackendStatus | undefined }) {
  if (!status) return null;
  const { limit, used } = status.budget;
  return (
    <>
      <span className="hidden truncate text-xs text-muted-foreground sm:inline" title="Backend answering chat requests">
        {statusLabel(status)}
      </span>
      {limit > 0 && (
        <span className="truncate text-xs tabular-nums text-muted-foreground" title="Today's token budget; it resets at 00:00 UTC">
          {Math.max(0, limit - used).toLocaleString("en-US")} tokens left today
        </span>
      )}
    </>
  );
}

/** Shown when the local engine cannot answer; its `problem` sentence says what to do. */
export function EngineProblemBanner({ status }: { status: BackendStatus | undefined }) {
  if (status?.engine?.ready !== false) return null;
  return (
    <section aria-label="Local engine problem" className="border-b border-amber-500/40 bg-amber-100 px-4 py-2 text-sm text-amber-950 dark:bg-amber-950 dark:text-amber-100">
      <strong className="font-semibold">The local engine is not ready.</strong>{" "}
      {status.engine.problem ?? "Check the terminal running the dev server."}
    </section>
  );
}
