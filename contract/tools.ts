import { z } from "zod";

/**
 * Tools a chat answer may call (issue 23): the built-ins every person has, and the tools of the
 * person's connectors (remote MCP servers). The model sees each by its key, which is also what a
 * conversation's settings store (`tools`, `alwaysAllow`), so keys follow the tool-name rule every
 * function-calling API shares: letters, digits, `_` and `-`, at most 64.
 */
export const toolKeySchema = z.string().regex(/^[A-Za-z0-9_-]{1,64}$/, "is not a tool name (letters, digits, _ and -, at most 64)");

export interface BuiltinTool {
  name: string;
  /** What the Tools control and a tool part call it. */
  label: string;
  /** What the model is told the tool does. */
  description: string;
  /**
   * Runs only after the person allows it: a tool that spends, writes or reaches outside the app.
   * Read-only built-ins run without asking. "Always allow this tool in this conversation" lifts it.
   */
  needsApproval: boolean;
  /** Why it asks, in words, shown beside Allow / Deny. */
  approvalReason?: string;
}

export const BUILTIN_TOOLS = [
  {
    name: "generate_image",
    label: "Generate image",
    description: "Draws an image from a text description with the image studio's model and saves it to the person's gallery.",
    needsApproval: true,
    approvalReason: "It spends neurons from your budget and saves the image to your gallery.",
  },
  {
    name: "search_documents",
    label: "Search documents",
    description: "Searches the person's document library and returns numbered passages the answer can cite as [n].",
    needsApproval: false,
  },
  {
    name: "read_web_page",
    label: "Read web page",
    description: "Fetches a public http(s) web page and returns its readable text.",
    needsApproval: true,
    approvalReason: "It fetches an address on the internet from this app's server.",
  },
  {
    name: "calculate",
    label: "Calculator",
    description: "Evaluates an arithmetic expression exactly (numbers, + - * / ^ %, parentheses, common functions and units).",
    needsApproval: false,
  },
  {
    name: "date_time",
    label: "Date and time",
    description:
      "Tells the current date and time in the person's time zone, and does date arithmetic (add or subtract days, weeks, months; days between two dates).",
    needsApproval: false,
  },
] as const satisfies readonly BuiltinTool[];

export type BuiltinToolName = (typeof BUILTIN_TOOLS)[number]["name"];

export function findBuiltinTool(name: string): BuiltinTool | undefined {
  return BUILTIN_TOOLS.find((tool) => tool.name === name);
}

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
