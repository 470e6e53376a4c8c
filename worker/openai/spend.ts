import type { Context } from "hono";
import type { AppEnv } from "../http/app-types";
import { checkRateLimit } from "../http/rate-limit";
import { requestPayer } from "../spend/request-payer";
import { reserve, settle } from "../spend/spend";
import type { UsageLabel } from "../spend/usage-book";
import { keyOwner } from "./auth";

/** An admitted call: `settle` replaces the reserved worst case with what it really cost, in neurons. */
export interface Spend {
  settle(neurons: number): Promise<void>;
}

/**
 * The one place /v1 asks whether the key's owner may spend: the same per-user and per-IP rate limits
 * as the app's own pages, then a reservation of the call's worst case against the owner's daily
 * budget and the deployment's (worker/spend/). Throws the refusal (rate_limited or budget_exhausted,
 * with Retry-After).
 */
export async function admitSpend(c: Context<AppEnv>, worstCaseNeurons: number, use?: UsageLabel): Promise<Spend> {
  const [limited, person] = await Promise.all([checkRateLimit(c), keyOwner(c)]);
  if (limited) throw limited;
  const reservation = await reserve(c.env, { ...requestPayer(c, person), use }, worstCaseNeurons);
  return { settle: (neurons) => settle(c.env, reservation, neurons) };
}
