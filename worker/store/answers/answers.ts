import type { UIMessageChunk } from "ai";
import type { ChatMessage, MessageMetadata } from "../../../contract/messages";
import { estimateUsage } from "../../spend/estimate-usage";
import { streamAnswer, type AnswerRequest } from "../../ai/stream-answer";
import { assembleAnswer, closeOpenToolCalls } from "./assemble";
import { AnswerRun } from "./answer-run";
import type { RunTable, ThreadKind } from "./run-table";
import type { StepSpend } from "./step-spend";

export interface AnswerPlan {
  kind: ThreadKind;
  ownerId: string;
  messageId: string;
  /** The model call (the stop signal and the message id are added here). */
  request: Omit<AnswerRequest, "signal" | "messageId">;
  /** The prompt's size (estimate-usage.ts), for an answer that ends without a usage report. */
  promptChars: number;
  /** What the answer already has (Continue). */
  prefix?: UIMessageChunk[];
  endMetadata: () => MessageMetadata;
  /** A tool loop's step-by-step spend (absent: one model call, reserved and settled whole). */
  steps?: StepSpend;
  /** Runs once the answer is saved: closes what its tools opened (MCP clients). */
  cleanup?: () => Promise<void>;
  /** Which of a compare turn's answers this is (./compare-turn.ts); 0 (absent) for every other answer. */
  slot?: number;
}

/**
 * The answers running in this Durable Object: one per thread (a conversation or a vision thread), or
 * a compare turn's few side by side, each in its own slot; several threads at once per person. Each
 * outlives the request that started it.
 */
export class Answers {
  private readonly live = new Map<string, AnswerRun>();

  constructor(
    private readonly ctx: DurableObjectState,
    private readonly runs: RunTable,
    /** Saves a finished answer and ends its run row, in one transaction, then settles its spend; returns it as saved. */
    private readonly save: (kind: ThreadKind, ownerId: string, message: ChatMessage, steps?: StepSpend, slot?: number) => ChatMessage,
  ) {}

  running(kind: ThreadKind, ownerId: string, slot = 0): AnswerRun | undefined {
    return this.live.get(runKey(kind, ownerId, slot));
  }

  /** The slots with an answer running on the thread, lowest first. */
  runningSlots(kind: ThreadKind, ownerId: string): number[] {
    const prefix = runKey(kind, ownerId, "");
    return [...this.live.keys()]
      .filter((key) => key.startsWith(prefix))
      .map((key) => Number(key.slice(prefix.length)))
      .sort((a, b) => a - b);
  }

  /**
   * Stops whatever runs on the thread (every slot, or the one given) and waits until it is saved (a
   * new question replaces it). Returns the last one saved.
   */
  async stopAll(kind: ThreadKind, ownerId: string, only?: number): Promise<ChatMessage | null> {
    let last: ChatMessage | null = null;
    const next = () => (only === undefined ? this.runningSlots(kind, ownerId)[0] : this.running(kind, ownerId, only) ? only : undefined);
    for (let slot = next(); slot !== undefined; slot = next()) {
      const run = this.running(kind, ownerId, slot)!;
      last = await run.stop();
      // `done` settles before the run leaves the map; wait for that too.
      await Promise.resolve();
      if (this.running(kind, ownerId, slot) === run) this.live.delete(runKey(kind, ownerId, slot));
    }
    return last;
  }

  /** Starts the model call. The caller saved the question and began the run row, in one transaction, first. */
  start(plan: AnswerPlan): AnswerRun {
    const slot = plan.slot ?? 0;
    const key = runKey(plan.kind, plan.ownerId, slot);
    const run = new AnswerRun(
      plan.messageId,
      {
        record: (seq, json) => this.runs.append(plan.kind, plan.ownerId, seq, json, slot),
        finish: (message) => this.save(plan.kind, plan.ownerId, closeOpenToolCalls(message), plan.steps, slot),
        endMetadata: plan.endMetadata,
        estimateUsage: (answer) => plan.steps?.estimate(answer) ?? estimateUsage(plan.promptChars, answer),
      },
      (signal) => streamAnswer({ ...plan.request, messageId: plan.messageId, signal }),
      plan.prefix,
    );
    this.live.set(key, run);
    // Pending work keeps the object alive without a client (compatibility date 2026-10-01 and
    // later); waitUntil says so explicitly.
    const ended = () => {
      if (this.live.get(key) === run) this.live.delete(key);
      return plan.cleanup?.().catch(() => {});
    };
    this.ctx.waitUntil(run.done.then(ended, ended));
    return run;
  }

  /**
   * Answers whose object died mid-way (evicted, redeployed, crashed): a run row is left with no live
   * run. Their text so far is saved, marked interrupted, and counted. Called when the object starts.
   */
  recoverInterrupted(): number {
    const orphans = this.runs.all().filter((row) => !this.running(row.kind, row.owner_id, row.slot));
    for (const row of orphans) {
      const answer = closeOpenToolCalls(assembleAnswer(this.runs.chunks(row.kind, row.owner_id, row.slot), row.message_id));
      const metadata: MessageMetadata = { ...answer.metadata, usage: estimateUsage(row.prompt_chars, answer), status: "interrupted" };
      this.save(row.kind, row.owner_id, { ...answer, metadata }, undefined, row.slot);
    }
    return orphans.length;
  }
}

function runKey(kind: ThreadKind, ownerId: string, slot: number | ""): string {
  return `${kind}:${ownerId}:${slot}`;
}
