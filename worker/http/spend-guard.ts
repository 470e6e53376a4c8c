import type { MiddlewareHandler } from "hono";
import type { AppEnv } from "./app-types";
import { checkRateLimit } from "./rate-limit";

/**
 * In front of every route that calls a model: the rate limits. The daily budgets are not checked
 * here but reserved by each route once it knows the call's worst case (worker/spend/), in one step
 * that also refuses: a check here and a charge later would let a parallel burst through.
 */
export const spendGuard: MiddlewareHandler<AppEnv> = async (c, next) => {
  const limited = await checkRateLimit(c);
  if (limited) throw limited;
  await next();
};
