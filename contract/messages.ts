import type { UIMessage } from "ai";
import type { UsedMemory } from "./memory";
import type { Cost } from "./pricing";
import type { Citation } from "./documents";

/**
 * How an assistant message ended, decided once by the person's Durable Object and carried in the
 * message's metadata (streamed as the answer's last metadata, and saved). "complete" is a normal
 * finish; the others mark a partial answer that was kept: "stopped" by the person's Stop (a closed
 * tab is not a Stop: the answer runs on), "failed" when the model or the network broke (`error`
 * says how), "interrupted" when the Durable Object restarted mid-answer (it can be continued).
 */
export type AnswerStatus = "complete" | "stopped" | "failed" | "interrupted";

export interface MessageUsage {
  inputTokens?: number;
  outputTokens?: number;
  totalTokens?: number;
  /** Counted by the Worker, not reported by the model: an answer that ended early has no usage report. */
  estimated?: boolean;
}

/** Metadata carried by every message, in the stream and in storage. */
export interface MessageMetadata {
  createdAt?: number;
  /** The Workers AI model id that was asked. */
  model?: string;
  /** Who actually answered, e.g. "Workers AI" or "Local engine · stories260K.gguf". */
  servedBy?: string;
  usage?: MessageUsage;
  status?: AnswerStatus;
  /** The sentence a person reads when status is "failed". */
  error?: string;
  /** What the answer cost in neurons, saved with it (the live stream carries only `usage`). */
  cost?: Cost;
  /** Milliseconds from the model call to the answer's first text, as the Worker measured them. */
  firstTokenMs?: number;
  /** Milliseconds from the model call to the answer's end. */
  durationMs?: number;
  /**
   * How long the model thought before it answered ("Thought for N s"): from its first reasoning to its
   * first text, tool call or step end, over every step (worker/ai/reasoning-clock.ts). Absent without reasoning.
   */
  reasoningMs?: number;
  /** Something the person should know about how this answer came about, e.g. a licence was accepted. */
  note?: string;
  /** The document passages the answer was given, numbered as its [n] markers (documents feature). */
  citations?: Citation[];
  /** The memories the answer was given, as they read then (memory feature: contract/memory.ts). */
  memories?: UsedMemory[];
}

export type ChatMessage = UIMessage<MessageMetadata>;
