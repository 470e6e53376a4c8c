import { ERRORS } from "../../contract/errors";
import { modelFailure } from "./model-errors";
import type { AiBinding } from "./binding";

export interface RetryPolicy {
  /** Calls in all, the first included. */
  attempts: number;
  /** Backoff before retry n is a random time in [0, baseMs × 2^n) ("full jitter"). */
  baseMs: number;
  /** No retry starts once this much time has passed since the first call. */
  budgetMs: number;
  /** Where randomness and time come from: injectable so tests choose the jitter and own the clock. */
  random?: () => number;
  now?: () => number;
  sleep?: (ms: number) => Promise<void>;
}

export const DEFAULT_RETRY: RetryPolicy = { attempts: 3, baseMs: 400, budgetMs: 8_000 };

const sleepFor = (ms: number) => new Promise<void>((resolve) => setTimeout(resolve, ms));

/**
 * Retries a model call that failed before answering, when retrying can help: capacity (3040), 429
 * and 5xx, timeouts, an unreachable server. A daily allocation (3036, 4006) or a bad request is never
 * retried. Jitter spreads many clients' retries apart. A stream that breaks after it started is not
 * retried here: its partial answer is already on the person's screen.
 */
export function withRetries(binding: AiBinding, policy: RetryPolicy = DEFAULT_RETRY): AiBinding {
  const { random = Math.random, now = Date.now, sleep = sleepFor } = policy;
  const run = async (model: string, inputs: unknown, options?: { signal?: AbortSignal }) => {
    const started = now();
    for (let attempt = 1; ; attempt++) {
      try {
        return await (binding.run as (m: string, i: unknown, o?: unknown) => Promise<unknown>)(model, inputs, options);
      } catch (error) {
        const delay = random() * policy.baseMs * 2 ** (attempt - 1);
        const retryable = ERRORS[modelFailure(error, "internal").code].retry;
        if (!retryable || attempt >= policy.attempts || options?.signal?.aborted || now() - started + delay > policy.budgetMs) throw error;
        await sleep(delay);
      }
    }
  };
  return { run } as AiBinding;
}
