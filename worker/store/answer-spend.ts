import { AppError } from "../../contract/errors";
import type { ChatMessage } from "../../contract/messages";
import { secondsUntilReset, type UsageTable } from "./usage";

/**
 * What an answer may spend, in the one place the Durable Object's answers touch money: `reserve`
 * before the model is called, `settle` after the answer is saved (in the same transaction).
 */
export class AnswerSpend {
  constructor(
    private readonly usage: UsageTable,
    private readonly dailyBudget: number,
  ) {}

  /** A person who has spent the day's budget is refused before any model is called. */
  reserve(): AppError | undefined {
    if (this.dailyBudget > 0 && this.usage.today() >= this.dailyBudget) return new AppError("budget_exhausted", undefined, undefined, secondsUntilReset());
    return undefined;
  }

  /** Counts what a saved answer cost: reported usage, or the estimate for one that ended early. */
  settle(answer: ChatMessage): void {
    this.usage.addAnswer(answer);
  }
}
