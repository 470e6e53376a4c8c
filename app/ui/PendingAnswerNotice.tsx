import type { usePendingAnswer } from "./usePendingAnswer";

/** What a page says while it waits for an answer another request is writing, or why it stopped. */
export function PendingAnswerNotice({ wait }: { wait: ReturnType<typeof usePendingAnswer> }) {
  if (wait.pending) {
    return (
      <p role="status" className="text-sm text-muted-foreground">
        The answer is still being written; it appears here when it is saved.
      </p>
    );
  }
  if (!wait.failure) return null;
  return (
    <p role="alert" className="rounded-md border border-destructive/40 bg-destructive/10 px-3 py-2 text-sm">
      {wait.failure}
    </p>
  );
}
