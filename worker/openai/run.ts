import type { Context } from "hono";
import { resolveAiBackend, type CacheHint } from "../ai/seam";
import type { AppEnv } from "../http/app-types";

/** `run()` as /v1 uses it: the binding's typed overloads do not cover every model's inputs. */
type Run = (model: string, inputs: unknown, options: { signal: AbortSignal } & CacheHint) => Promise<unknown>;

/**
 * One model call through the seam (the AI binding or the REST backend, with its retries and AI
 * Gateway). The client's disconnect (enable_request_signal) stops the call and the spend.
 */
export function runModel(c: Context<AppEnv>, model: string, inputs: unknown, hint: CacheHint = {}): Promise<unknown> {
  const run = resolveAiBackend(c.env).binding.run as unknown as Run;
  return run(model, inputs, { signal: c.req.raw.signal, ...hint });
}
