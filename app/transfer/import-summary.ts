import type { ImportSkip } from "../../contract/transfer";
import type { ImportOutcome, ImportProgress } from "./run-import";

const SKIP_LABELS: Record<ImportSkip, string> = {
  already_imported: "already imported",
  empty: "empty",
  no_text: "without text",
  too_large: "too large",
  over_quota: "over your storage quota",
  invalid: "unreadable",
  failed: "not sent (the request failed)",
};

const conversations = (n: number) => `${n.toLocaleString("en-US")} conversation${n === 1 ? "" : "s"}`;

/** The line under the progress bar: what is imported so far, and what was skipped. */
export function progressText(progress: ImportProgress): string {
  const skipped = progress.skipped ? `, skipped ${progress.skipped.toLocaleString("en-US")}` : "";
  const waiting = progress.waitingSeconds ? ` Too many requests: going on in ${progress.waitingSeconds} s.` : "";
  return `Imported ${progress.imported.toLocaleString("en-US")} of ${progress.total.toLocaleString("en-US")}${skipped}.${waiting}`;
}

/** One paragraph: how many were imported, and how many were skipped, by reason. */
export function outcomeSummary(outcome: ImportOutcome): string {
  const imported = outcome.items.filter((i) => !i.skipped).length;
  const parts = [
    imported === outcome.total
      ? `Imported ${conversations(imported)}.`
      : `Imported ${imported.toLocaleString("en-US")} of ${conversations(outcome.total)}.`,
  ];
  const counts = new Map<ImportSkip, number>();
  for (const item of outcome.items) if (item.skipped) counts.set(item.skipped, (counts.get(item.skipped) ?? 0) + 1);
  if (counts.size) {
    const skipped = [...counts.values()].reduce((a, b) => a + b, 0);
    parts.push(
      `Skipped ${skipped.toLocaleString("en-US")}: ${[...counts].map(([kind, n]) => `${n.toLocaleString("en-US")} ${SKIP_LABELS[kind]}`).join(", ")}.`,
    );
  }
  if (outcome.stopped) {
    const left = outcome.total - outcome.items.length;
    parts.push(`Stopped with ${conversations(left)} not sent; import the same file again to finish (what was imported is skipped).`);
  }
  if (outcome.messagesSkipped)
    parts.push(
      `${outcome.messagesSkipped.toLocaleString("en-US")} message${outcome.messagesSkipped === 1 ? "" : "s"} without text (tools, images, system) ${outcome.messagesSkipped === 1 ? "was" : "were"} left out.`,
    );
  return parts.join(" ");
}
