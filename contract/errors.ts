/**
 * Every error the app shows: a code, its HTTP status, whether retrying can help, and the sentence a
 * person reads. The Worker answers `{ error: { code, message } }`; the UI prints `message`.
 */
export const ERRORS = {
  bad_request: { status: 400, retry: false, message: "The request was not valid." },
  unknown_model: { status: 400, retry: false, message: "That model is not available. Pick another one from the list." },
  context_window: {
    status: 400,
    retry: false,
    message:
      "The conversation is too long for this model. Start a new conversation, lower max tokens, or pick a model with a larger context window.",
  },
  too_large: { status: 413, retry: false, message: "The request is too large." },
  not_found: { status: 404, retry: false, message: "Not found." },
  invalid_api_key: {
    status: 401,
    retry: false,
    message: "The API key is missing, wrong or revoked. Create one in Settings → API keys and send it as `Authorization: Bearer <key>`.",
  },
  too_many_keys: {
    status: 409,
    retry: false,
    message: "You already have the most API keys allowed (10). Revoke one before creating another.",
  },
  forbidden_origin: { status: 403, retry: false, message: "Requests from other sites are not allowed." },
  model_agreement: { status: 403, retry: false, message: "This model needs its licence accepted on the account before first use." },
  account_blocked: { status: 403, retry: false, message: "The Cloudflare account is blocked from Workers AI." },
  rate_limited: { status: 429, retry: true, message: "Too many requests. Wait a moment and try again." },
  capacity: {
    status: 503,
    retry: true,
    message: "Workers AI is out of capacity for this model right now. Try again in a moment or pick another model.",
  },
  budget_exhausted: { status: 429, retry: false, message: "You have used your budget on this app for today. It resets at 00:00 UTC." },
  owner_only: { status: 403, retry: false, message: "Only the owner of this deployment can see this." },
  person_blocked: {
    status: 403,
    retry: false,
    message: "The owner of this app has stopped your use of its models. Ask them if you think this is a mistake.",
  },
  daily_allocation: {
    status: 429,
    retry: false,
    message: "The daily free Workers AI allocation is used up. It resets at 00:00 UTC, or upgrade to Workers Paid.",
  },
  timeout: { status: 504, retry: true, message: "The model took too long to answer. Try again." },
  prompt_refused: {
    status: 400,
    retry: false,
    message: "The model refused this prompt under its content policy. Change the prompt and try again.",
  },
  engine_no_image_model: {
    status: 503,
    retry: false,
    message:
      "The local engine has no image model. Set LOCAL_IMAGE_MODEL_DIR to a folder with SD-Turbo's ONNX files (see engine/images/README.md) and restart `npm run dev`.",
  },
  engine_no_vision_model: {
    status: 503,
    retry: false,
    message:
      "The local engine has no vision model. Set LOCAL_VISION_MODEL_DIR to a transformers.js image-to-text model folder (see engine/vision/README.md) and restart `npm run dev`.",
  },
  engine_no_embedding_model: {
    status: 503,
    retry: false,
    message:
      "The local engine has no embedding model. Set LOCAL_EMBEDDING_MODEL_DIR to a transformers.js BGE model folder (see engine/embeddings/README.md) and restart `npm run dev`.",
  },
  engine_no_model: {
    status: 503,
    retry: false,
    message:
      "The local engine has no text model. Set LOCAL_TEXT_MODEL=/path/to/model.gguf and restart `npm run dev`, or run once while online to download one.",
  },
  unsupported_document: {
    status: 415,
    retry: false,
    message: "That file type cannot be read. Attach text, Markdown, PDF, HTML, CSV, .docx or source files.",
  },
  unreadable_document: { status: 422, retry: false, message: "That file could not be read: it looks damaged or protected." },
  too_many_documents: { status: 409, retry: false, message: "You have too many documents. Delete some on the Documents page first." },
  cannot_see_images: {
    status: 400,
    retry: false,
    message: 'This model cannot see images. Pick a model labelled "sees images", or send the message without the image.',
  },
  unsupported_image: { status: 415, retry: false, message: "That file is not a JPEG, PNG, WebP or GIF image." },
  upstream_unreachable: {
    status: 502,
    retry: true,
    message: "Could not reach the model service. Check that it is running and that WORKERS_AI_REST_URL is right.",
  },
  upstream_auth: { status: 502, retry: false, message: "The model service refused the credentials. Check WORKERS_AI_TOKEN." },
  upstream: { status: 502, retry: true, message: "The model service failed to answer. Try again." },
  // Built-in tools (worker/tools/builtins/): the model reads these as a tool's error and answers on.
  tool_input: { status: 400, retry: false, message: "The tool could not use what it was given." },
  address_refused: {
    status: 400,
    retry: false,
    message: "That address is not allowed: only public http(s) addresses on the internet can be reached.",
  },
  web_page_failed: { status: 502, retry: true, message: "The web page could not be read." },
  // Storage quotas (worker/store/storage/quotas.ts): what one person may keep. The Worker's message names the limit.
  quota_exceeded: {
    status: 409,
    retry: false,
    message: "You have reached the storage limit for one person. Delete something you no longer need to make room.",
  },
  // The byte budget (worker/store/storage/byte-budget.ts): 413 like too_large, since waiting frees nothing (429
  // would tell clients to retry later); only deleting makes room. The Worker's message names the sizes.
  storage_full: {
    status: 413,
    retry: false,
    message: "You keep as much as one person can store. Delete conversations, documents or images you no longer need to make room.",
  },
  // Conversation branches (worker/store/conversations/conversation-tree.ts): the path a client sent is not one the store holds.
  branch_conflict: { status: 409, retry: false, message: "This conversation changed elsewhere. Reload it and try again." },
  conversation_full: {
    status: 413,
    retry: false,
    message: "This conversation has reached its message limit. Start a new conversation to go on.",
  },
  sign_in_required: { status: 401, retry: false, message: "Sign in to use this app: open the page and choose Sign in." },
  guest_limit: {
    status: 429,
    retry: true,
    message: "Too many new visitors from your network in the last hour. Wait an hour and try again, or sign in with a passkey.",
  },
  challenge_required: {
    status: 403,
    retry: false,
    message: "Confirm you are a person first: complete the check on the page, then try again.",
  },
  challenge_failed: { status: 403, retry: false, message: "The check that you are a person did not pass. Reload the page and try again." },
  signup_closed: { status: 403, retry: false, message: "This app is not taking new accounts." },
  invite_required: { status: 403, retry: false, message: "New accounts need an invite link here. Ask someone with an account for one." },
  passkey_failed: { status: 400, retry: false, message: "The passkey could not be checked. Try again, or use another passkey." },
  passkeys_off: { status: 404, retry: false, message: "Passkeys are not used on this deployment." },
  account_required: { status: 403, retry: false, message: "This needs an account: create a passkey first." },
  last_passkey: {
    status: 409,
    retry: false,
    message:
      "This is your only passkey: without it nobody can sign in to this account again. Add another passkey first, or confirm that you mean it.",
  },
  passkey_check_required: {
    status: 403,
    retry: false,
    message: "Confirm with your passkey first: this change needs a passkey check from the last few minutes.",
  },
  owner_setup_refused: {
    status: 403,
    retry: false,
    message:
      "That owner setup token is not the one set for this deployment, or it was already used. Make a new one with npm run owner-token.",
  },
  api_key_refused: {
    status: 403,
    retry: false,
    message:
      "This key's owner cannot use the app here any more (guests are off, or Cloudflare Access guards it). Make a key from an account that can sign in.",
  },
  access_denied: {
    status: 401,
    retry: false,
    message:
      "This app is behind Cloudflare Access and the request carried no valid Access token. Reload the page to sign in through Access.",
  },
  share_limit: {
    status: 409,
    retry: false,
    message: "You have shared as many conversations as one person may (100). Stop sharing one to share another.",
  },
  share_busy: {
    status: 409,
    retry: true,
    message: "An answer is still being written in this conversation. Share it once the answer is saved.",
  },
  import_invalid: { status: 400, retry: false, message: "That file is not a conversation export this app can import." },
  // Memory (worker/store/memory/).
  too_many_memories: {
    status: 409,
    retry: false,
    message: "You have the most memories allowed (200). Delete one in Settings → Memory to add another.",
  },
  // Connectors (worker/connectors/): the Worker's message names the server and what went wrong.
  too_many_connectors: { status: 409, retry: false, message: "You have the most connectors allowed (10). Remove one to add another." },
  connector_exists: { status: 409, retry: false, message: "That server is already one of your connectors." },
  connector_failed: {
    status: 422,
    retry: true,
    message: "The server could not be connected to. Check its address and that it is an MCP server.",
  },
  // Voice (worker/audio/): the Worker's message names the limit or the format it found.
  unsupported_audio: {
    status: 415,
    retry: false,
    message: "That file is not audio this app can read. Send WebM, Ogg, WAV, MP3, MP4/M4A or FLAC.",
  },
  audio_too_long: { status: 413, retry: false, message: "The recording is too long. Keep it under two minutes." },
  engine_no_speech_model: {
    status: 503,
    retry: false,
    message:
      "The local engine has no transcription model. Set LOCAL_WHISPER_MODEL_DIR to a transformers.js Whisper model folder (see engine/speech/README.md), or run once while online to download one, and restart `npm run dev`.",
  },
  // Assistants (worker/store/assistants/): the Worker's message names the limit or the field.
  too_many_assistants: { status: 409, retry: false, message: "You have the most assistants allowed (50). Delete one to make another." },
  builtin_assistant: {
    status: 409,
    retry: false,
    message: "Built-in assistants cannot be changed or deleted. Use Edit as a copy to make your own.",
  },
  internal: { status: 500, retry: false, message: "Something went wrong on our side." },
} as const satisfies Record<string, { status: number; retry: boolean; message: string }>;

export type ErrorCode = keyof typeof ERRORS;

export interface ErrorBody {
  /** `retryAfter`: seconds until trying again can succeed (also the Retry-After header). */
  error: { code: ErrorCode; message: string; workersAiCode?: number; retryAfter?: number };
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
