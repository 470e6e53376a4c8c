import { createWorkersAI } from "workers-ai-provider";
import { createRestBinding } from "./rest-binding";
import { withRetries } from "./retry";

/**
 * The one seam between the Worker and Workers AI. In production `env.AI` answers; when
 * `WORKERS_AI_REST_URL` is set (always in `npm run dev`, which points it at the local engine unless
 * the shell says otherwise) a REST binding with the same `run()` signature answers instead.
 */
export type AiBinding = Pick<Ai, "run">;

export interface AiBackend {
  kind: "binding" | "rest" | "local-engine";
  /** What the UI shows: who is answering. */
  label: string;
  binding: AiBinding;
  /** Who answered the last call on this backend; the local engine names its model file. */
  servedBy(): string;
}

export interface AiEnv {
  AI?: Ai;
  WORKERS_AI_REST_URL?: string;
  WORKERS_AI_TOKEN?: string;
  AI_GATEWAY_ID?: string;
}

/** Made per request: `servedBy` is per call, and bindings hold no state worth sharing. */
export function resolveAiBackend(env: AiEnv, fetcher: typeof fetch = fetch): AiBackend {
  const restUrl = env.WORKERS_AI_REST_URL?.trim();
  if (!restUrl) {
    if (!env.AI) throw new Error("No Workers AI: the AI binding is missing and WORKERS_AI_REST_URL is not set.");
    const binding = withRetries(env.AI_GATEWAY_ID ? withGateway(env.AI, env.AI_GATEWAY_ID) : env.AI);
    return { kind: "binding", label: "Workers AI", binding, servedBy: () => "Workers AI" };
  }
  const host = new URL(restUrl).hostname;
  const local = host === "127.0.0.1" || host === "localhost" || host === "[::1]";
  const label = local ? "Local engine" : host === "api.cloudflare.com" || host === "gateway.ai.cloudflare.com" ? "Workers AI (REST)" : `REST · ${host}`;
  let servedBy = label;
  const rest = createRestBinding({
    baseUrl: restUrl,
    token: env.WORKERS_AI_TOKEN || undefined,
    fetch: fetcher,
    onServedBy: (model) => {
      servedBy = `${label} · ${model}`;
    },
  }) as unknown as AiBinding;
  return { kind: local ? "local-engine" : "rest", label, binding: withRetries(rest), servedBy: () => servedBy };
}

export function chatModelFor(backend: AiBackend, modelId: string) {
  return createWorkersAI({ binding: backend.binding as Ai })(modelId);
}

/**
 * Every binding call (chat, images, vision) through AI Gateway when AI_GATEWAY_ID is set. Answers
 * are not cached: a chat turn is never asked twice, and an image with a random seed must differ.
 */
function withGateway(ai: Ai, id: string): AiBinding {
  const run = (model: string, inputs: unknown, options: Record<string, unknown> = {}) =>
    (ai.run as (m: string, i: unknown, o: unknown) => Promise<unknown>)(model, inputs, { ...options, gateway: { id, skipCache: true, ...(options.gateway as object) } });
  return { run } as AiBinding;
}
