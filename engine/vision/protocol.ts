/** Messages between the engine (parent) and the vision inference child, over the fork IPC channel. */

export interface CaptionRequest {
  /** The image file's bytes, base64 (IPC carries JSON). */
  imageBase64: string;
  maxTokens: number;
}

export interface Usage {
  prompt_tokens: number;
  completion_tokens: number;
  total_tokens: number;
}

export type ToChild = { type: "run"; id: number; request: CaptionRequest } | { type: "abort"; id: number };

export type FromChild =
  | { type: "ready" }
  | { type: "load-error"; message: string }
  | { type: "token"; id: number; text: string }
  | { type: "done"; id: number; usage: Usage }
  | { type: "error"; id: number; message: string };

export interface ChildConfig {
  modelDir: string;
}
