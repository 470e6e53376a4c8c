import { AppError } from "../../contract/errors";
import { toAppError } from "../http/errors";

/**
 * Why one image failed, as a person reads it. Workers AI has no code of its own for a refused
 * prompt: the models' safety checks answer with a 400 (or a coded bad request) whose words say so.
 */
const REFUSAL = /nsfw|flagged|content polic|safety|inappropriate/i;

export function imageFailure(error: unknown): AppError {
  const appError = toAppError(error, "upstream");
  const text = error instanceof Error ? error.message : String(error);
  if ((appError.code === "bad_request" || appError.code === "upstream") && REFUSAL.test(text)) {
    return new AppError("prompt_refused", undefined, appError.workersAiCode);
  }
  // The local engine's own sentence names its folder and what to put there: better than ours.
  if (appError.code === "engine_no_image_model") {
    const own = /AiError: \d+: (.+)/s.exec(text)?.[1];
    if (own) return new AppError("engine_no_image_model", own.slice(0, 500), appError.workersAiCode);
  }
  return appError;
}
