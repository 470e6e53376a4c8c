import type { Context } from "hono";
import { z } from "zod";
import { AppError, type ErrorCode } from "../../contract/errors";
import { modelCallError } from "../ai/model-errors";
import { fromQuotaRefusal } from "../quota-refusal";

/** Any thrown value as the AppError a person can read: ours, a refused request, a storage quota, a failed model call. */
export function toAppError(error: unknown, fallback: ErrorCode = "internal"): AppError {
  if (error instanceof AppError) return error;
  if (error instanceof z.ZodError) return new AppError("bad_request", describeZod(error));
  const quota = fromQuotaRefusal(error);
  if (quota) return quota;
  return modelCallError(error) ?? new AppError(fallback);
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
