import type { Context } from "hono";
import type { z } from "zod";
import { AppError, ERRORS, type ErrorCode } from "../../contract/errors";
import { describeZod } from "../http/errors";

/**
 * Errors in OpenAI's shape, `{ error: { message, type, code, param } }`, with the statuses OpenAI
 * clients branch on (the SDKs retry 429 and 5xx, and raise typed errors per status). The codes and
 * sentences are still the app's own (contract/errors.ts); this only says how they look on /v1.
 */
export interface OpenAiErrorBody {
  error: { message: string; type: string; code: string | null; param: string | null };
}

/** A bad request that names the field at fault, like OpenAI's `param`. */
export class ParamError extends AppError {
  constructor(
    readonly param: string,
    message: string,
    code: ErrorCode = "bad_request",
  ) {
    super(code, message);
  }
}

/** How each of the app's codes appears to an OpenAI client; anything unlisted keeps its status. */
const OPENAI_SHAPE: Partial<Record<ErrorCode, { status?: number; type: string; code: string }>> = {
  invalid_api_key: { type: "invalid_request_error", code: "invalid_api_key" },
  // OpenAI answers an unknown model with 404 (the app's own pages use 400: it is a bad field there).
  unknown_model: { status: 404, type: "invalid_request_error", code: "model_not_found" },
  not_found: { type: "invalid_request_error", code: "not_found" },
  bad_request: { type: "invalid_request_error", code: "invalid_request_error" },
  too_large: { type: "invalid_request_error", code: "request_too_large" },
  context_window: { type: "invalid_request_error", code: "context_length_exceeded" },
  prompt_refused: { type: "invalid_request_error", code: "content_policy_violation" },
  rate_limited: { type: "requests", code: "rate_limit_exceeded" },
  // Not worth retrying until the day turns: `insufficient_quota` is the code OpenAI clients know not to retry.
  budget_exhausted: { type: "insufficient_quota", code: "insufficient_quota" },
  daily_allocation: { type: "insufficient_quota", code: "insufficient_quota" },
};

export function toOpenAiError(error: AppError): { status: number; body: OpenAiErrorBody } {
  const shape = OPENAI_SHAPE[error.code];
  const status = shape?.status ?? ERRORS[error.code].status;
  const type = shape?.type ?? (status >= 500 ? "server_error" : "invalid_request_error");
  const param = error instanceof ParamError ? error.param : null;
  return { status, body: { error: { message: error.message, type, code: shape?.code ?? error.code, param } } };
}

export function openAiErrorResponse(c: Context, error: AppError): Response {
  const { status, body } = toOpenAiError(error);
  if (error.retryAfter) c.header("retry-after", String(error.retryAfter));
  return c.json(body, status as 400);
}

/** A zod failure as a ParamError naming the first field at fault (`messages.0.content`). */
export function paramErrorFromZod(error: z.ZodError): ParamError {
  const path = error.issues[0]?.path ?? [];
  return new ParamError(path.length ? path.join(".") : "body", describeZod(error));
}

/** The SSE event an OpenAI client raises as an APIError when a stream fails after it started. */
export function streamErrorEvent(error: AppError): string {
  return `data: ${JSON.stringify(toOpenAiError(error).body)}\n\n`;
}
