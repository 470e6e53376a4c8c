import { createWorkersAI } from "workers-ai-provider";
import { LOCAL_ENGINE_LABEL } from "../../contract/local-engine";
import type { AiBinding, AiRunOptions } from "./binding";
import { mergeArrivedTextEvents } from "./merge-arrived";
import { aiGatewayIdOf, createRestBinding } from "./rest-binding";
import { withRetries } from "./retry";

/**
 * The model backend: the one way the Worker calls Workers AI. In production `env.AI` answers; when
 * `WORKERS_AI_REST_URL` is set (always in `npm run dev`, which points it at the local engine unless
 * the shell says otherwise) a REST binding with the same `run()` answers instead.
 */

export interface AiBackend {
  /** How calls travel: the `AI` binding, or Workers AI's REST contract over fetch. */
  transport: "binding" | "rest";
  /** Who answers, as far as the configuration can tell (the page's header shows it). */
  label: string;
  binding: AiBinding;
  /** Who served the last call: the local engine says so, and names its model file, on every answer. */
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
    const binding = withRetries(throughGateway(fromAiBinding(env.AI), env.AI_GATEWAY_ID || undefined));
    return { transport: "binding", label: "Workers AI", binding, servedBy: () => "Workers AI" };
  }
  const label = restLabel(restUrl);
  let servedBy = label;
  const rest = createRestBinding({
    baseUrl: restUrl,
    token: env.WORKERS_AI_TOKEN || undefined,
    fetch: fetcher,
    onLocalEngineModel: (model) => {
      servedBy = `${LOCAL_ENGINE_LABEL} · ${model}`;
    },
  });
  // Over REST the address names the gateway (…/{gateway}/workers-ai), so AI_GATEWAY_ID has no say here.
  return { transport: "rest", label, binding: withRetries(throughGateway(rest, aiGatewayIdOf(restUrl))), servedBy: () => servedBy };
}

/**
 * Cloudflare's own hosts are Workers AI; anything else only speaks its contract. Whether that is the
 * local engine is not guessed from the host: the engine says so (contract/local-engine.ts).
 */
export function restLabel(restUrl: string): string {
  const { hostname, host } = new URL(restUrl);
  if (hostname === "api.cloudflare.com" || hostname === "gateway.ai.cloudflare.com") return "Workers AI (REST)";
  return `Workers AI-compatible server at ${host}`;
}

/** The AI SDK's model for a chat model id, calling through this backend (its retries, its `servedBy`). */
export function chatModelFor(backend: AiBackend, modelId: string) {
  // workers-ai-provider wants the binding's full overloaded type; it only ever calls run() as AiBinding types it.
  return createWorkersAI({ binding: withArrivedTextMerged(backend.binding) as Ai })(modelId);
}

/** A streamed answer's text events that piled up unread reach the AI SDK as one (merge-arrived.ts). */
function withArrivedTextMerged(binding: AiBinding): AiBinding {
  return {
    run: async (model, inputs, options) => {
      const output = await binding.run(model, inputs, options);
      return output instanceof ReadableStream ? mergeArrivedTextEvents(output as ReadableStream<Uint8Array>) : output;
    },
  };
}

/** How long AI Gateway may keep a deterministic answer. */
const DETERMINISTIC_CACHE_SECONDS = 7 * 24 * 3600;

/** The `AI` binding called the app's way (its per-model overloads cover neither multipart nor every model). */
function fromAiBinding(ai: Ai): AiBinding {
  const run = ai.run as (model: string, inputs: unknown, options?: Record<string, unknown>) => Promise<unknown>;
  return { run: (model, inputs, options) => run.call(ai, model, inputs, options as Record<string, unknown> | undefined) };
}

/**
 * With a gateway every call (chat, images, vision) goes through AI Gateway, and only deterministic
 * answers are cached: a chat turn is never asked twice, and an image without a seed must come out
 * different each time. The same `gateway` option reaches the `AI` binding as it is and the REST
 * binding as `cf-aig-*` headers. The cache hint itself is ours and never reaches either.
 */
export function throughGateway(binding: AiBinding, gatewayId: string | undefined): AiBinding {
  return {
    run: (model, inputs, { deterministic, ...options }: AiRunOptions = {}) => {
      if (!gatewayId) return binding.run(model, inputs, options);
      const gateway = deterministic ? { id: gatewayId, cacheTtl: DETERMINISTIC_CACHE_SECONDS } : { id: gatewayId, skipCache: true };
      return binding.run(model, inputs, { ...options, gateway });
    },
  };
}
