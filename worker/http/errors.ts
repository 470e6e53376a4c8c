import type { Context } from "hono";
import { z } from "zod";
import { AppError, codeForWorkersAi, ERRORS, type ErrorCode } from "../../contract/errors";
import { fromQuotaRefusal } from "../store/quota-refusal";

/** Any thrown value as the AppError a person can read. Walks causes: the AI SDK wraps errors twice. */
export function toAppError(error: unknown, fallback: ErrorCode = "internal"): AppError {
  if (error instanceof AppError) return error;
  if (error instanceof z.ZodError) return new AppError("bad_request", describeZod(error));
  const quota = fromQuotaRefusal(error);
  if (quota) return quota;
  const code = workersAiCode(error);
  if (code !== undefined) {
    const mapped = codeForWorkersAi(code);
    const detail = mapped === "upstream" || mapped === "bad_request" ? upstreamDetail(error) : undefined;
    return new AppError(mapped, detail ? `${ERRORS[mapped].message} (${detail})` : undefined, code);
  }
  const status = httpStatus(error);
  if (status === 401 || status === 403) return new AppError("upstream_auth");
  if (status === 429) return new AppError("rate_limited");
  if (isTransportFailure(error)) return new AppError("upstream_unreachable");
  if (status && status >= 500) return new AppError("upstream");
  return new AppError(fallback);
}

export function errorResponse(c: Context, error: AppError) {
  if (error.retryAfter) c.header("retry-after", String(error.retryAfter));
  return c.json(error.toBody(), error.status as 400);
}

export function describeZod(error: z.ZodError): string {
  const issue = error.issues[0];
  const where = issue?.path.length ? `${issue.path.join(".")}: ` : "";
  return `The request was not valid: ${where}${issue?.message ?? "unknown problem"}.`;
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
