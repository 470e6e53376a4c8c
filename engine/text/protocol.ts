/** Messages between the engine (parent) and the inference child, over the fork IPC channel. */

/** One message of a prompt as the text child takes it (not the app's ChatMessage, a UI message in contract/messages.ts). */
export interface PromptMessage {
  role: "system" | "user" | "assistant";
  content: string;
}

export interface GenerateRequest {
  /** A conversation (rendered with the model's chat template) or a bare prompt. */
  messages: PromptMessage[];
  maxTokens: number;
  temperature: number;
  topP?: number;
  seed?: number;
}

export interface Usage {
  prompt_tokens: number;
  completion_tokens: number;
  total_tokens: number;
}

export type StopReason = "eogToken" | "stopGenerationTrigger" | "customStopTrigger" | "functionCalls" | "maxTokens" | "abort";

export type ToChild = { type: "run"; id: number; request: GenerateRequest } | { type: "abort"; id: number };

export type FromChild =
  | { type: "ready"; contextSize: number; promptFormat: "chat-template" | "plain-text" }
  | { type: "load-error"; message: string }
  /** The prompt fits: the parent may start answering. */
  | { type: "start"; id: number; promptTokens: number }
  /** Text pieces in order, sent as soon as produced; pieces produced in the same event-loop turn share a message. */
  | { type: "tokens"; id: number; texts: string[] }
  | { type: "done"; id: number; usage: Usage; stopReason: StopReason }
  | { type: "error"; id: number; code: number; status: number; message: string };

export interface ChildConfig {
  modelPath: string;
  threads: number;
}
