import type { Context } from "hono";
import type { AppEnv } from "../http/app-types";
import { checkBudget } from "../http/budget";
import { checkRateLimit } from "../http/rate-limit";
import { userStore } from "../store/stub";

/** An admitted call: `settle` records what it really cost in the owner's store. */
export interface Spend {
  settle(tokens: number): Promise<void>;
}

/**
 * The one place /v1 asks whether the key's owner may spend, and records what they spent: the same
 * per-user and per-IP rate limits and daily token budget as the app's own pages. Throws the refusal
 * (rate_limited or budget_exhausted, with Retry-After). The spend branch's neuron `reserve`/`settle`
 * replaces this function's body; its callers already speak that shape.
 */
export async function admitSpend(c: Context<AppEnv>): Promise<Spend> {
  const [limited, broke] = await Promise.all([checkRateLimit(c), checkBudget(c)]);
  const refused = limited ?? broke;
  if (refused) throw refused;
  const store = userStore(c);
  return { settle: (tokens) => (tokens > 0 ? store.recordUsage(tokens) : Promise.resolve()) };
}
