import type { Context } from "hono";
import { resolveAiBackend } from "../ai/backend";
import type { CacheHint } from "../ai/binding";
import type { AppEnv } from "../http/app-types";

/**
 * One model call through the model backend (the AI binding or the REST backend, with its retries and AI
 * Gateway). The client's disconnect (enable_request_signal) stops the call and the spend.
 */
export function runModel(c: Context<AppEnv>, model: string, inputs: unknown, hint: CacheHint = {}): Promise<unknown> {
  return resolveAiBackend(c.env).binding.run(model, inputs, { signal: c.req.raw.signal, ...hint });
}
