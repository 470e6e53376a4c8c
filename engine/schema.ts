import { randomInt } from "node:crypto";
import { z } from "zod";
import { CODES, EngineError } from "./errors";
import type { PromptMessage, GenerateRequest } from "./text/protocol";

/** The text-generation input Workers AI accepts, as far as a local model can honour it. */

// Workers AI's own default when max_tokens is left out.
const DEFAULT_MAX_TOKENS = 256;
const DEFAULT_TEMPERATURE = 0.6;

const contentPart = z.object({ type: z.string(), text: z.string().optional() });

const message = z.object({
  role: z.enum(["system", "user", "assistant", "tool"]),
  // Assistant turns that only carried tool calls arrive with null content.
  content: z.union([z.string(), z.array(contentPart)]).nullable(),
});

const runInput = z.object({
  messages: z.array(message).min(1).optional(),
  prompt: z.string().min(1).optional(),
  max_tokens: z.number().int().min(1).optional(),
  temperature: z.number().min(0).max(5).optional(),
  top_p: z.number().min(0).max(2).optional(),
  seed: z.number().int().min(0).optional(),
  stream: z.boolean().optional(),
});

export interface ParsedRun {
  request: GenerateRequest;
  stream: boolean;
}

export function parseRunInput(body: unknown): ParsedRun {
  const parsed = runInput.safeParse(body);
  if (!parsed.success) {
    const issue = parsed.error.issues[0];
    const where = issue?.path.length ? `'/${issue.path.join("/")}'` : "the request body";
    throw new EngineError(CODES.invalidData, 400, `Invalid input at ${where}: ${issue?.message ?? "wrong type"}.`);
  }
  const input = parsed.data;
  if (!input.messages && !input.prompt) {
    throw new EngineError(CODES.incompleteRequest, 400, "Incomplete request: either 'prompt' or 'messages' is required.");
  }
  const messages: PromptMessage[] = input.messages
    ? input.messages.map((m) => ({ role: m.role === "tool" ? "user" : m.role, content: textOf(m.content) }))
    : [{ role: "user", content: input.prompt ?? "" }];
  return {
    stream: input.stream ?? false,
    request: {
      messages,
      maxTokens: input.max_tokens ?? DEFAULT_MAX_TOKENS,
      temperature: input.temperature ?? DEFAULT_TEMPERATURE,
      topP: input.top_p,
      // Without a seed every call samples anew, as on Workers AI. node-llama-cpp's own default seed is
      // the current second, so a Regenerate within the same second repeated the answer word for word.
      seed: input.seed ?? randomInt(2 ** 31),
    },
  };
}

/** Local models read text only: image parts are dropped. */
function textOf(content: z.infer<typeof message>["content"]): string {
  if (content === null) return "";
  if (typeof content === "string") return content;
  return content.flatMap((p) => (p.type === "text" && p.text ? [p.text] : [])).join("\n");
}
