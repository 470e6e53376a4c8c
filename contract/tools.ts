import { z } from "zod";

/**
 * Tools a chat answer may call (issue 23): the built-ins every person has, and the tools of the
 * person's connectors (remote MCP servers). The model sees each by its key, which is also what a
 * conversation's settings store (`tools`, `alwaysAllow`), so keys follow the tool-name rule every
 * function-calling API shares: letters, digits, `_` and `-`, at most 64.
 */
// The built-in tools' catalog is in ./builtin-tools.ts: the chat page's first load needs these limits
// and schemas, not the catalog's sentences (those load with the Tools panel and tool parts).
export const toolKeySchema = z.string().regex(/^[A-Za-z0-9_-]{1,64}$/, "is not a tool name (letters, digits, _ and -, at most 64)");

export const TOOL_LIMITS = {
  /** Model calls in one answer (each call is a step; a step may call several tools). */
  maxSteps: { min: 1, max: 10, default: 5 },
  /** A tool's output is cut to this many characters before it goes back to the model (and is saved). */
  outputChars: 16_000,
  /** A tool that takes longer becomes a tool error the model sees. */
  timeoutMs: 20_000,
  /** Tools offered in one answer (built-ins and connectors together): each one's schema is prompt tokens. */
  perAnswer: 32,
} as const;

/** Reasoning effort, for models that take one (the catalog's `reasoningEffort`). */
export const reasoningEffortSchema = z.enum(["low", "medium", "high"]);
export type ReasoningEffort = z.infer<typeof reasoningEffortSchema>;
