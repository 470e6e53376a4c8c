import { ERRORS } from "../../contract/errors";
import { toAppError } from "../http/errors";
import type { AiBinding } from "./seam";

export interface RetryPolicy {
  /** Calls in all, the first included. */
  attempts: number;
  /** Backoff before retry n is a random time in [0, baseMs × 2^n) ("full jitter"). */
  baseMs: number;
  /** No retry starts once this much time has passed since the first call. */
  budgetMs: number;
}

export const DEFAULT_RETRY: RetryPolicy = { attempts: 3, baseMs: 400, budgetMs: 8_000 };

/**
 * Retries a model call that failed before answering, when retrying can help: capacity (3040), 429
 * and 5xx, timeouts, an unreachable server. A daily allocation (3036, 4006) or a bad request is never
 * retried. Jitter spreads many clients' retries apart. A stream that breaks after it started is not
 * retried here: its partial answer is already on the person's screen.
 */
export function withRetries(binding: AiBinding, policy: RetryPolicy = DEFAULT_RETRY): AiBinding {
  const run = async (model: string, inputs: unknown, options?: { signal?: AbortSignal }) => {
    const started = Date.now();
    for (let attempt = 1; ; attempt++) {
      try {
        return await (binding.run as (m: string, i: unknown, o?: unknown) => Promise<unknown>)(model, inputs, options);
      } catch (error) {
        const delay = Math.random() * policy.baseMs * 2 ** (attempt - 1);
        const retryable = ERRORS[toAppError(error).code].retry;
        if (!retryable || attempt >= policy.attempts || options?.signal?.aborted || Date.now() - started + delay > policy.budgetMs) throw error;
        await new Promise((resolve) => setTimeout(resolve, delay));
      }
    }
  };
  return { run } as AiBinding;
}
