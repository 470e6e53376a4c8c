import type { MiddlewareHandler } from "hono";
import { AppError } from "../../contract/errors";
import { userStore } from "../store/stub";
import { secondsUntilReset } from "../store/usage";
import type { AppEnv } from "./app-types";
import { isNewVisitor } from "./new-visitor";

export interface Budget {
  /** Tokens a user may spend per UTC day; 0 means no budget. */
  limit: number;
  used: number;
  resetsInSeconds: number;
}

export async function budgetOf(c: Parameters<MiddlewareHandler<AppEnv>>[0]): Promise<Budget> {
  return {
    limit: Number(c.env.DAILY_TOKEN_BUDGET) || 0,
    // A visitor whose identity was just minted has spent nothing: no need to create their store to ask.
    used: isNewVisitor(c) ? 0 : await userStore(c).usageToday(),
    resetsInSeconds: secondsUntilReset(),
  };
}

/** A user who has spent the day's budget is refused before any model is called. */
export async function checkBudget(c: Parameters<MiddlewareHandler<AppEnv>>[0]): Promise<AppError | undefined> {
  const budget = await budgetOf(c);
  if (budget.limit > 0 && budget.used >= budget.limit) return new AppError("budget_exhausted", undefined, undefined, budget.resetsInSeconds);
  return undefined;
}
