/**
 * The one call shape every model call goes through. Its own file because the backend that picks a
 * binding (backend.ts) is built from the wrappers around it (retry.ts, rest-binding.ts), which need it first.
 */

/** Options every caller may pass to `run()`: Stop, and whether the answer may come from a cache. */
export interface AiRunOptions extends CacheHint {
  signal?: AbortSignal;
  /** Set by the backend from its configuration (throughGateway), not by callers. */
  gateway?: GatewayOptions;
}

/**
 * `run()` as this app calls it. The `AI` binding's own type has one typed overload per model, which
 * covers neither multipart input (FLUX.2) nor every model's inputs, so the app calls through this.
 */
export interface AiBinding {
  run(model: string, inputs: unknown, options?: AiRunOptions): Promise<unknown>;
}

/** Run option a caller sets when the same inputs always give the same output (an image with a seed). */
export interface CacheHint {
  deterministic?: boolean;
}
