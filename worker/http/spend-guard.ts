import type { MiddlewareHandler } from "hono";
import type { AppEnv } from "./app-types";
import { checkBudget } from "./budget";
import { checkRateLimit } from "./rate-limit";

/**
 * In front of every route that calls a model: the rate limits and the daily budget, checked at once
 * (they are independent reads, and each costs milliseconds of time to first token).
 */
export const spendGuard: MiddlewareHandler<AppEnv> = async (c, next) => {
  const [limited, broke] = await Promise.all([checkRateLimit(c), checkBudget(c)]);
  const refused = limited ?? broke;
  if (refused) throw refused;
  await next();
};
