import type { BatchPlan } from "../../contract/import-batches";
import type { ImportBatchItem, ImportBatchResult } from "../../contract/transfer";
import { ApiError } from "../api";

export interface ImportProgress {
  total: number;
  /** Conversations answered for (imported or skipped). */
  done: number;
  imported: number;
  skipped: number;
  /** Set while waiting out a rate limit, in seconds. */
  waitingSeconds?: number;
}

export interface ImportOutcome {
  total: number;
  /** Every conversation answered for, by its index in the file. */
  items: ImportBatchItem[];
  messagesSkipped: number;
  /** Stopped by the person before the last batch. */
  stopped: boolean;
}

export interface ImportDriver {
  send(body: string): Promise<ImportBatchResult>;
  onProgress(progress: ImportProgress): void;
  /** Asked before each batch: true stops the import there (a batch already sent finishes). */
  stopRequested(): boolean;
  sleep?(ms: number): Promise<void>;
}

const RATE_LIMIT_TRIES = 5;

/**
 * Sends the batches one after another. Each batch is saved by the Worker when it answers, so a
 * batch that fails loses only itself: its conversations are reported as not imported, with the
 * sentence the Worker or the network gave, and the import goes on. A rate limit is waited out (the
 * Worker says how long) and the batch sent again; a failure the server may recover from is tried
 * once more. Sending a batch twice is harmless: conversations already imported are skipped.
 */
export async function runImport(plan: BatchPlan, driver: ImportDriver): Promise<ImportOutcome> {
  const sleep = driver.sleep ?? ((ms: number) => new Promise<void>((resolve) => setTimeout(resolve, ms)));
  const total = plan.titles.length;
  const items: ImportBatchItem[] = [...plan.skipped];
  let messagesSkipped = 0;
  const progress = (waitingSeconds?: number) => {
    const imported = items.filter((i) => !i.skipped).length;
    driver.onProgress({ total, done: items.length, imported, skipped: items.length - imported, waitingSeconds });
  };
  progress();

  for (const batch of plan.batches) {
    if (driver.stopRequested()) return { total, items: sorted(items), messagesSkipped, stopped: true };
    let result: ImportBatchResult | undefined;
    let failure: Error | undefined;
    for (let attempt = 1, retried = false; ; attempt++) {
      try {
        result = await driver.send(batch.body);
        break;
      } catch (error) {
        failure = error as Error;
        const api = error instanceof ApiError ? error : undefined;
        if (api?.status === 429 && attempt < RATE_LIMIT_TRIES) {
          const seconds = api.retryAfter || 60;
          progress(seconds);
          await sleep(seconds * 1000);
          progress();
          continue;
        }
        if (!retried && (!api || api.status === 0 || api.status >= 500)) {
          retried = true;
          await sleep(2000);
          continue;
        }
        break;
      }
    }
    if (result) {
      messagesSkipped += result.messagesSkipped;
      const answered = new Set<number>();
      for (const item of result.results) {
        const index = batch.indexes[item.index];
        if (index === undefined || answered.has(index)) continue;
        answered.add(index);
        items.push({ ...item, index });
      }
      // Never expected; a conversation the answer left out is reported rather than lost from the count.
      for (const index of batch.indexes)
        if (!answered.has(index))
          items.push({ index, title: plan.titles[index], skipped: "failed", reason: "The server did not say what became of it." });
    } else {
      const reason = `${failure?.message ?? "The request failed."} Import the same file again to try it again: what was imported is skipped.`;
      for (const index of batch.indexes) items.push({ index, title: plan.titles[index], skipped: "failed", reason });
    }
    progress();
  }
  return { total, items: sorted(items), messagesSkipped, stopped: false };
}

function sorted(items: ImportBatchItem[]): ImportBatchItem[] {
  return [...items].sort((a, b) => a.index - b.index);
}
