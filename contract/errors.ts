/**
 * Every error the app shows: a code, its HTTP status, whether retrying can help, and the sentence a
 * person reads. The Worker answers `{ error: { code, message } }`; the UI prints `message`.
 */
export const ERRORS = {
  bad_request: { status: 400, retry: false, message: "The request was not valid." },
  unknown_model: { status: 400, retry: false, message: "That model is not available. Pick another one from the list." },
  context_window: { status: 400, retry: false, message: "The conversation is too long for this model. Start a new conversation, lower max tokens, or pick a model with a larger context window." },
  too_large: { status: 413, retry: false, message: "The request is too large." },
  not_found: { status: 404, retry: false, message: "Not found." },
  forbidden_origin: { status: 403, retry: false, message: "Requests from other sites are not allowed." },
  model_agreement: { status: 403, retry: false, message: "This model needs its licence accepted on the account before first use." },
  account_blocked: { status: 403, retry: false, message: "The Cloudflare account is blocked from Workers AI." },
  rate_limited: { status: 429, retry: true, message: "Too many requests. Wait a moment and try again." },
  capacity: { status: 503, retry: true, message: "Workers AI is out of capacity for this model right now. Try again in a moment or pick another model." },
  budget_exhausted: { status: 429, retry: false, message: "You have used today's budget on this app. It resets at 00:00 UTC." },
  daily_allocation: { status: 429, retry: false, message: "The daily free Workers AI allocation is used up. It resets at 00:00 UTC, or upgrade to Workers Paid." },
  timeout: { status: 504, retry: true, message: "The model took too long to answer. Try again." },
  prompt_refused: { status: 400, retry: false, message: "The model refused this prompt under its content policy. Change the prompt and try again." },
  engine_no_image_model: { status: 503, retry: false, message: "The local engine has no image model. Set LOCAL_IMAGE_MODEL_DIR to a folder with SD-Turbo's ONNX files (see engine/images/README.md) and restart `npm run dev`." },
  engine_no_vision_model: { status: 503, retry: false, message: "The local engine has no vision model. Set LOCAL_VISION_MODEL_DIR to a transformers.js image-to-text model folder (see engine/vision/README.md) and restart `npm run dev`." },
  engine_no_embedding_model: { status: 503, retry: false, message: "The local engine has no embedding model. Set LOCAL_EMBEDDING_MODEL_DIR to a transformers.js BGE model folder (see engine/embeddings/README.md) and restart `npm run dev`." },
  engine_no_model: { status: 503, retry: false, message: "The local engine has no text model. Set LOCAL_TEXT_MODEL=/path/to/model.gguf and restart `npm run dev`, or run once while online to download one." },
  unsupported_document: { status: 415, retry: false, message: "That file type cannot be read. Attach text, Markdown, PDF, HTML, CSV, .docx or source files." },
  unreadable_document: { status: 422, retry: false, message: "That file could not be read: it looks damaged or protected." },
  too_many_documents: { status: 409, retry: false, message: "You have too many documents. Delete some on the Documents page first." },
  unsupported_image: { status: 415, retry: false, message: "That file is not a JPEG, PNG, WebP or GIF image." },
  upstream_unreachable: { status: 502, retry: true, message: "Could not reach the model service. Check that it is running and that WORKERS_AI_REST_URL is right." },
  upstream_auth: { status: 502, retry: false, message: "The model service refused the credentials. Check WORKERS_AI_TOKEN." },
  upstream: { status: 502, retry: true, message: "The model service failed to answer. Try again." },
  internal: { status: 500, retry: false, message: "Something went wrong on our side." },
} as const satisfies Record<string, { status: number; retry: boolean; message: string }>;

export type ErrorCode = keyof typeof ERRORS;

export interface ErrorBody {
  /** `retryAfter`: seconds until trying again can succeed (also the Retry-After header). */
  error: { code: ErrorCode; message: string; workersAiCode?: number; retryAfter?: number };
}

/**
 * The local engine's own codes. Workers AI never sends them; they sit far from Cloudflare's ranges
 * so they cannot be mistaken for one of theirs.
 */
/** The model process failed or stopped mid-answer: an upstream failure, retryable. */
export const LOCAL_ENGINE_FAILED = 9900;
/** No text model loaded. */
export const LOCAL_ENGINE_NO_MODEL = 9901;

/** No image model weights (SD-Turbo layout ONNX files). */
export const LOCAL_ENGINE_NO_IMAGE_MODEL = 9902;
/** No vision (image-to-text) model. */
export const LOCAL_ENGINE_NO_VISION_MODEL = 9903;
/** No embedding (feature-extraction) model. */
export const LOCAL_ENGINE_NO_EMBEDDING_MODEL = 9904;

/** Workers AI's numeric codes (binding and REST) mapped to ours. */
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
};

export function codeForWorkersAi(code: number | undefined): ErrorCode {
  return (code !== undefined && WORKERS_AI_CODES[code]) || "upstream";
}

export class AppError extends Error {
  constructor(
    readonly code: ErrorCode,
    message?: string,
    readonly workersAiCode?: number,
    readonly retryAfter?: number,
  ) {
    super(message ?? ERRORS[code].message);
    this.name = "AppError";
  }
  get status(): number {
    return ERRORS[this.code].status;
  }
  toBody(): ErrorBody {
    const { code, message, workersAiCode, retryAfter } = this;
    return { error: { code, message, ...(workersAiCode ? { workersAiCode } : {}), ...(retryAfter ? { retryAfter } : {}) } };
  }
}
