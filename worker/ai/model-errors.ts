import { AppError, ERRORS, type ErrorCode } from "../../contract/errors";
import {
  LOCAL_ENGINE_NO_EMBEDDING_MODEL,
  LOCAL_ENGINE_NO_IMAGE_MODEL,
  LOCAL_ENGINE_NO_MODEL,
  LOCAL_ENGINE_NO_SPEECH_MODEL,
  LOCAL_ENGINE_NO_VISION_MODEL,
} from "../../contract/local-engine";

/**
 * A failed model call as the AppError a person reads. The binding, the REST binding and the AI SDK
 * each wrap Workers AI's numeric code differently (a `code` field, `data.workersAIErrorCode`, or only
 * the words `AiError: <code>:`), sometimes two causes deep, so every shape is looked for here once.
 */

/** Workers AI's numeric codes (binding and REST), and the local engine's own, mapped to ours. */
const WORKERS_AI_CODES: Record<number, ErrorCode> = {
  3003: "bad_request",
  5004: "bad_request",
  5007: "unknown_model",
  3042: "unknown_model",
  5016: "model_agreement",
  3023: "account_blocked",
  3006: "too_large",
  3007: "timeout",
  3008: "timeout",
  3036: "daily_allocation",
  4006: "daily_allocation",
  3040: "capacity",
  5021: "context_window",
  [LOCAL_ENGINE_NO_MODEL]: "engine_no_model",
  [LOCAL_ENGINE_NO_IMAGE_MODEL]: "engine_no_image_model",
  [LOCAL_ENGINE_NO_VISION_MODEL]: "engine_no_vision_model",
  [LOCAL_ENGINE_NO_EMBEDDING_MODEL]: "engine_no_embedding_model",
  [LOCAL_ENGINE_NO_SPEECH_MODEL]: "engine_no_speech_model",
};

/** The model call's failure, or undefined when `error` carries no sign of coming from a model service. */
export function modelCallError(error: unknown): AppError | undefined {
  const code = workersAiCode(error);
  if (code !== undefined) {
    const mapped = (WORKERS_AI_CODES[code] as ErrorCode | undefined) ?? "upstream";
    const detail = mapped === "upstream" || mapped === "bad_request" ? upstreamDetail(error) : undefined;
    return new AppError(mapped, detail ? `${ERRORS[mapped].message} (${detail})` : undefined, code);
  }
  const status = httpStatus(error);
  if (status === 401 || status === 403) return new AppError("upstream_auth");
  if (status === 429) return new AppError("rate_limited");
  if (isTransportFailure(error)) return new AppError("upstream_unreachable");
  if (status && status >= 500) return new AppError("upstream");
  return undefined;
}

/** Whatever a model call threw, as an AppError: ours as they are, a model service's mapped, anything else `fallback`. */
export function modelFailure(error: unknown, fallback: ErrorCode = "upstream"): AppError {
  if (error instanceof AppError) return error;
  return modelCallError(error) ?? new AppError(fallback);
}

function* causes(error: unknown): Generator<Record<string, unknown>> {
  let current = error;
  for (let depth = 0; current && typeof current === "object" && depth < 6; depth++) {
    yield current as Record<string, unknown>;
    const next = current as { cause?: unknown; lastError?: unknown; errors?: unknown[] };
    current = next.lastError ?? next.cause ?? (Array.isArray(next.errors) ? next.errors.at(-1) : undefined);
  }
}

function workersAiCode(error: unknown): number | undefined {
  for (const e of causes(error)) {
    if (typeof e.code === "number") return e.code;
    const data = e.data as { workersAIErrorCode?: number } | undefined;
    if (typeof data?.workersAIErrorCode === "number") return data.workersAIErrorCode;
    const match = typeof e.message === "string" ? /AiError: (\d{3,5}):/.exec(e.message) : null;
    if (match) return Number(match[1]);
  }
  return undefined;
}

function httpStatus(error: unknown): number | undefined {
  for (const e of causes(error)) {
    if (typeof e.statusCode === "number") return e.statusCode;
    if (typeof e.httpStatus === "number") return e.httpStatus;
  }
  return undefined;
}

function isTransportFailure(error: unknown): boolean {
  for (const e of causes(error)) {
    if (typeof e.message === "string" && /could not reach|fetch failed|network connection|ECONNREFUSED/i.test(e.message)) return true;
  }
  return false;
}

/** Upstream's own words for a bad request, without anything secret-looking, kept short. */
function upstreamDetail(error: unknown): string | undefined {
  for (const e of causes(error)) {
    const match = typeof e.message === "string" ? /AiError: \d{3,5}: (.*)/s.exec(e.message) : null;
    if (match) return match[1].slice(0, 200);
  }
  return undefined;
}
