/** Messages between the engine (parent) and the inference child, over the fork IPC channel. */

/** One message of a prompt as the text child takes it (not the app's ChatMessage, a UI message in contract/messages.ts). */
export type PromptMessage =
  | { role: "system" | "user"; content: string }
  /** An assistant turn, with the tool calls it made (their results follow as `tool` messages). */
  | { role: "assistant"; content: string; toolCalls?: PromptToolCall[] }
  | { role: "tool"; content: string; toolCallId?: string; name?: string };

export interface PromptToolCall {
  id?: string;
  name: string;
  /** JSON text, as Workers AI's messages carry it. */
  arguments: string;
}

/** A function the model may call: Workers AI's `tools[].function`. */
export interface ToolSpec {
  name: string;
  description?: string;
  /** JSON Schema of the arguments object. */
  parameters?: Record<string, unknown>;
}

/** "auto": the model decides; "required" or a name: it must call one (that one). "none" never reaches the child. */
export type ToolChoice = "auto" | "required" | { name: string };

export interface GenerateRequest {
  /** A conversation (rendered with the model's chat template) or a bare prompt. */
  messages: PromptMessage[];
  maxTokens: number;
  temperature: number;
  topP?: number;
  seed?: number;
  /** Functions offered to the model (absent or empty: none, the answer is text as before). */
  tools?: ToolSpec[];
  toolChoice?: ToolChoice;
}

/** A call the model made: `arguments` is JSON text that matches the function's parameters. */
export interface GeneratedToolCall {
  name: string;
  arguments: string;
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
  /** Thinking pieces (a model whose chat wrapper has thought segments), in order with the text pieces. */
  | { type: "reasoning"; id: number; texts: string[] }
  /** The calls the model made, sent once before "done" (stop reason "functionCalls"). */
  | { type: "toolCalls"; id: number; calls: GeneratedToolCall[] }
  | { type: "done"; id: number; usage: Usage; stopReason: StopReason }
  | { type: "error"; id: number; code: number; status: number; message: string };

export interface ChildConfig {
  modelPath: string;
  threads: number;
}
