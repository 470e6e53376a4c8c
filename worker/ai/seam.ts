import { createWorkersAI } from "workers-ai-provider";
import { mergeArrivedTextEvents } from "./merge-arrived";
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
    const binding = withRetries(withGateway(env.AI, env.AI_GATEWAY_ID || undefined));
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
  return { kind: local ? "local-engine" : "rest", label, binding: withRetries(withGateway(rest, undefined)), servedBy: () => servedBy };
}

export function chatModelFor(backend: AiBackend, modelId: string) {
  return createWorkersAI({ binding: withArrivedTextMerged(backend.binding) as Ai })(modelId);
}

/** A streamed answer's text events that piled up unread reach the AI SDK as one (merge-arrived.ts). */
function withArrivedTextMerged(binding: AiBinding): AiBinding {
  const run = async (...args: unknown[]) => {
    const output = await (binding.run as (...a: unknown[]) => Promise<unknown>)(...args);
    return output instanceof ReadableStream ? mergeArrivedTextEvents(output as ReadableStream<Uint8Array>) : output;
  };
  return { run } as AiBinding;
}

/** Run option a caller sets when the same inputs always give the same output (an image with a seed). */
export interface CacheHint {
  deterministic?: boolean;
}

/** How long AI Gateway may keep a deterministic answer. */
const DETERMINISTIC_CACHE_SECONDS = 7 * 24 * 3600;

/**
 * Every binding call (chat, images, vision) goes through AI Gateway when AI_GATEWAY_ID is set.
 * Only deterministic answers are cached: a chat turn is never asked twice, and an image without a
 * seed must come out different each time. The hint never reaches a backend without a gateway
 * (the REST binding would send it on as a query parameter).
 */
function withGateway(binding: AiBinding, id: string | undefined): AiBinding {
  const run = (model: string, inputs: unknown, options: Record<string, unknown> & CacheHint = {}) => {
    const { deterministic, ...rest } = options;
    const gateway = deterministic ? { id, cacheTtl: DETERMINISTIC_CACHE_SECONDS } : { id, skipCache: true };
    return (binding.run as (m: string, i: unknown, o: unknown) => Promise<unknown>)(model, inputs, id ? { ...rest, gateway } : rest);
  };
  return { run } as AiBinding;
}
