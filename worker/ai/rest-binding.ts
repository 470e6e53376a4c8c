import { LOCAL_ENGINE_MODEL_HEADER } from "../../contract/local-engine";
import type { AiBinding } from "./binding";

/**
 * An object with the `env.AI` binding's `run(model, inputs, options)` signature that speaks
 * Cloudflare's Workers AI REST contract instead: `POST {base}/run/{model}`, bearer token, JSON in
 * (or multipart for the FLUX.2 models); `text/event-stream`, the `{result, success, errors}` envelope
 * or binary out. Point `baseUrl` at `https://api.cloudflare.com/client/v4/accounts/{id}/ai` for real
 * Workers AI, at the local engine offline, or at anything else that speaks the contract.
 *
 * Through AI Gateway (`baseUrl` = `https://gateway.ai.cloudflare.com/v1/{account}/{gateway}/workers-ai`)
 * the address is `{base}/{model}`, with no `/run`, and the binding's `gateway` run option travels as
 * the gateway's `cf-aig-*` headers.
 *
 * Failures are thrown the way the binding throws them (`Error("AiError: <code>: <message>")` with a
 * numeric `code`), so everything downstream handles both transports with one code path.
 */
export interface RestBindingOptions {
  baseUrl: string;
  token?: string;
  /** AI Gateway headers or anything else the deployment needs on every call. */
  headers?: Record<string, string>;
  fetch?: typeof fetch;
  /** Told the model file when the local engine answered: it names it on every answer, other servers do not. */
  onLocalEngineModel?: (model: string) => void;
}

export interface RunOptions {
  signal?: AbortSignal;
  [key: string]: unknown;
}

/** Multipart input as the binding takes it (FLUX.2): a form body and its boundary-bearing type. */
export interface MultipartInput {
  multipart: { body: BodyInit; contentType: string };
}

export class WorkersAiRunError extends Error {
  constructor(
    readonly code: number | undefined,
    message: string,
    readonly httpStatus?: number,
  ) {
    super(code !== undefined ? `AiError: ${code}: ${message}` : `AiError: ${message}`);
    this.name = "WorkersAiRunError";
  }
}

interface Envelope {
  result?: unknown;
  success?: boolean;
  errors?: { code?: number; message?: string }[];
}

export function createRestBinding(options: RestBindingOptions): AiBinding {
  const base = options.baseUrl.replace(/\/+$/, "");
  const doFetch = options.fetch ?? fetch;
  // AI Gateway's Workers AI endpoint names the model right after `workers-ai/`; `/run/` there is a 404.
  const modelPath = aiGatewayIdOf(base) ? "" : "/run";

  async function run(model: string, inputs: unknown, runOptions: RunOptions = {}): Promise<unknown> {
    // The cache hint is the backend's business (it becomes `gateway`); everything else is a query parameter.
    const { signal, gateway, deterministic: _deterministic, extraHeaders, ...query } = runOptions;
    const url = new URL(`${base}${modelPath}/${model}`);
    for (const [key, value] of Object.entries(query)) {
      if (value !== undefined && value !== null && value !== "") url.searchParams.set(key, String(value));
    }
    const headers: Record<string, string> = {
      ...options.headers,
      ...gatewayHeaders(gateway as Partial<GatewayOptions> | undefined),
      ...(extraHeaders as Record<string, string> | undefined),
    };
    if (options.token) headers.authorization = `Bearer ${options.token}`;
    let body: BodyInit;
    if (isMultipart(inputs)) {
      body = inputs.multipart.body;
      headers["content-type"] = inputs.multipart.contentType;
    } else {
      body = JSON.stringify(inputs);
      headers["content-type"] = "application/json";
    }

    let response: Response;
    try {
      response = await doFetch(url, { method: "POST", headers, body, signal });
    } catch (error) {
      if (signal?.aborted) throw error;
      throw new WorkersAiRunError(undefined, `could not reach ${url.host}: ${(error as Error).message}`);
    }

    const localModel = response.headers.get(LOCAL_ENGINE_MODEL_HEADER);
    if (localModel) options.onLocalEngineModel?.(localModel);

    const type = response.headers.get("content-type") ?? "";
    if (!response.ok) throw await errorFrom(response, type);
    if (type.includes("text/event-stream")) return response.body;
    if (type.includes("json")) {
      const envelope = (await response.json()) as Envelope;
      if (envelope.success === false) throw envelopeError(envelope, response.status);
      return "result" in envelope ? envelope.result : envelope;
    }
    // Binary answers (the Stable Diffusion models' PNG/JPEG) come back as the binding gives them: a stream.
    return response.body;
  }

  return { run };
}

/**
 * The gateway named by an AI Gateway Workers AI address (`/v1/{account}/{gateway}/workers-ai`), else
 * undefined. The path decides, not the host, so a stand-in or a proxy of the gateway is called alike.
 */
export function aiGatewayIdOf(baseUrl: string): string | undefined {
  let path: string;
  try {
    path = new URL(baseUrl).pathname;
  } catch {
    return undefined;
  }
  const match = /^\/v1\/[^/]+\/([^/]+)\/workers-ai\/?$/.exec(path);
  return match ? decodeURIComponent(match[1]) : undefined;
}

/**
 * The binding's gateway options as AI Gateway's request headers (developers.cloudflare.com/ai-gateway/
 * glossary). The id is not among them: over REST the address names the gateway.
 */
export function gatewayHeaders(gateway: Partial<GatewayOptions> | undefined): Record<string, string> {
  if (!gateway) return {};
  const headers: Record<string, string> = {};
  if (gateway.cacheTtl !== undefined) headers["cf-aig-cache-ttl"] = String(gateway.cacheTtl);
  if (gateway.skipCache !== undefined) headers["cf-aig-skip-cache"] = String(gateway.skipCache);
  if (gateway.cacheKey !== undefined) headers["cf-aig-cache-key"] = gateway.cacheKey;
  if (gateway.collectLog !== undefined) headers["cf-aig-collect-log"] = String(gateway.collectLog);
  if (gateway.eventId !== undefined) headers["cf-aig-event-id"] = gateway.eventId;
  if (gateway.requestTimeoutMs !== undefined) headers["cf-aig-request-timeout"] = String(gateway.requestTimeoutMs);
  if (gateway.retries?.maxAttempts !== undefined) headers["cf-aig-max-attempts"] = String(gateway.retries.maxAttempts);
  if (gateway.retries?.retryDelayMs !== undefined) headers["cf-aig-retry-delay"] = String(gateway.retries.retryDelayMs);
  if (gateway.retries?.backoff !== undefined) headers["cf-aig-backoff"] = gateway.retries.backoff;
  if (gateway.metadata !== undefined)
    headers["cf-aig-metadata"] = JSON.stringify(gateway.metadata, (_key, value) => (typeof value === "bigint" ? value.toString() : value));
  return headers;
}

function isMultipart(inputs: unknown): inputs is MultipartInput {
  const multipart = (inputs as Partial<MultipartInput> | null)?.multipart;
  return typeof multipart === "object" && multipart !== null;
}

async function errorFrom(response: Response, type: string): Promise<WorkersAiRunError> {
  const text = await response.text().catch(() => "");
  if (type.includes("json")) {
    try {
      return envelopeError(JSON.parse(text) as Envelope, response.status);
    } catch {
      // Not an envelope after all: fall through to the status line.
    }
  }
  const detail = text.trim().slice(0, 300) || response.statusText;
  return new WorkersAiRunError(undefined, `HTTP ${response.status}: ${detail}`, response.status);
}

function envelopeError(envelope: Envelope, status: number): WorkersAiRunError {
  const first = envelope.errors?.[0];
  return new WorkersAiRunError(first?.code, first?.message ?? `HTTP ${status}`, status);
}
