import { LOCAL_ENGINE_MODEL_HEADER } from "../../contract/local-engine";
import type { AiBinding } from "./backend";

/**
 * An object with the `env.AI` binding's `run(model, inputs, options)` signature that speaks
 * Cloudflare's Workers AI REST contract instead: `POST {base}/run/{model}`, bearer token, JSON in
 * (or multipart for the FLUX.2 models); `text/event-stream`, the `{result, success, errors}` envelope
 * or binary out. Point `baseUrl` at `https://api.cloudflare.com/client/v4/accounts/{id}/ai` for real
 * Workers AI, at the local engine offline, or at anything else that speaks the contract.
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

  async function run(model: string, inputs: unknown, runOptions: RunOptions = {}): Promise<unknown> {
    // The gateway and the cache hint are the binding's business; everything else is a query parameter.
    const { signal, gateway: _gateway, deterministic: _deterministic, extraHeaders, ...query } = runOptions;
    const url = new URL(`${base}/run/${model}`);
    for (const [key, value] of Object.entries(query)) {
      if (value !== undefined && value !== null && value !== "") url.searchParams.set(key, String(value));
    }
    const headers: Record<string, string> = { ...options.headers, ...(extraHeaders as Record<string, string> | undefined) };
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
