import type { ModelMessage } from "ai";
import { answerCost as priceOf } from "../../../contract/answer-cost";
import { toAppError } from "../../http/errors";
import type { ChatMessage, MessageUsage } from "../../../contract/messages";
import { findChatModel } from "../../../contract/models";
import { log } from "../../log";
import { CALL_OVERHEAD_TOKENS, modelPromptSize, worstCaseNeurons } from "../../spend/estimate";
import { estimateUsage } from "../../spend/estimate-usage";
import { reserve, settle, type Budgets, type Payer } from "../../spend/spend";
import type { Reservation } from "../../spend/ledger";

export interface StepSpendOptions {
  env: Env;
  payer: Payer & { budgets?: Budgets };
  model: string;
  maxTokens: number;
  /** The first step's prompt in worst-case tokens (messages, instructions and the tools' definitions). */
  promptTokens: number;
  /** Served by the local engine: priced, but billing nobody (contract/answer-cost.ts). */
  local: () => boolean;
  /** The run row now names this reservation, and the prompt of the step it pays for (a restart settles it). */
  hold(reservationId: string, promptTokens: number): void;
  /** The loop ended because the next step could not be paid for: said on the answer. */
  refused(sentence: string): void;
  /** Keeps work going after the step has moved on (the Durable Object's waitUntil). */
  defer(work: Promise<unknown>): void;
}

/**
 * The spend of one answer's tool loop, step by step. The first model call is reserved before the
 * question is saved (as every answer's is); each later one is reserved just before it is made, with
 * the prompt the steps so far have grown, and the step before is settled then at what it cost.
 * Only one reservation is held at a time, and the run row names it, so a restart settles it too.
 * The last one is settled when the answer is saved (`unsettledCost`).
 */
export class StepSpend {
  /** The reservation held now; set by the store once the first is made. */
  held: Reservation | undefined;
  /** Neurons of this run's steps settled already (each against its own reservation). */
  settled = 0;
  private promptTokens: number;
  private readonly finished: MessageUsage[] = [];
  private unsettledFrom = 0;

  constructor(private readonly options: StepSpendOptions) {
    this.promptTokens = options.promptTokens;
  }

  afterStep(usage: MessageUsage): void {
    this.finished.push(usage);
  }

  /** Before step `stepNumber`'s model call: reserves its worst case; false (the loop ends) when that is refused. */
  async beforeStep(stepNumber: number, added: ModelMessage[]): Promise<boolean> {
    const { env, payer, model, maxTokens } = this.options;
    const entry = findChatModel(model);
    if (!entry || !this.held) return false;
    // What the steps so far added (their calls and results) on top of the first prompt.
    const promptTokens = this.options.promptTokens + modelPromptSize({ messages: added }).tokens() - CALL_OVERHEAD_TOKENS;
    let next: Reservation;
    try {
      next = await reserve(
        env,
        { ...payer, use: { kind: "tools", model } },
        worstCaseNeurons(entry.price, Math.min(promptTokens, entry.contextWindow), maxTokens),
        Date.now(),
        payer.budgets,
      );
    } catch (error) {
      const refusal = toAppError(error);
      log("answer.step_refused", { step: stepNumber, code: refusal.code });
      this.options.refused(
        refusal.code === "budget_exhausted"
          ? `The answer stopped after ${stepNumber} model calls: the next one could not be paid for. ${refusal.message}`
          : `The answer stopped after ${stepNumber} model calls: the next one could not be reserved (${refusal.message}).`,
      );
      return false;
    }
    const previous = this.held;
    const cost = this.costOf(this.finished.slice(this.unsettledFrom));
    this.unsettledFrom = this.finished.length;
    this.held = next;
    this.promptTokens = promptTokens;
    this.options.hold(next.id, promptTokens);
    this.settled += cost;
    // Off the next model call's path: the step before is paid for whether or not this lands first.
    this.options.defer(
      settle(env, previous, cost).catch((error) => log("answer.step_settle_failed", { detail: String(error).slice(0, 300) })),
    );
    return true;
  }

  /**
   * The answer's usage when the model reported none for its last step (Stop, a failure): the
   * finished steps as reported, the last one estimated from its prompt and the parts it wrote.
   */
  estimate(answer: ChatMessage): MessageUsage {
    const lastStep = answer.parts.findLastIndex((p) => p.type === "step-start");
    const current = estimateUsage(this.promptTokens, { ...answer, parts: answer.parts.slice(lastStep + 1) });
    const sum = (key: "inputTokens" | "outputTokens") => this.finished.reduce((n, u) => n + (u[key] ?? 0), current[key] ?? 0);
    const inputTokens = sum("inputTokens");
    const outputTokens = sum("outputTokens");
    return { inputTokens, outputTokens, totalTokens: inputTokens + outputTokens, estimated: true };
  }

  /** What is left to settle against the held reservation, given the whole run's cost. */
  unsettledCost(runCost: number): number {
    return Math.max(0, runCost - this.settled);
  }

  private costOf(usages: MessageUsage[]): number {
    return usages.reduce((sum, usage) => sum + (priceOf(this.options.model, usage, this.options.local())?.neurons ?? 0), 0);
  }
}
