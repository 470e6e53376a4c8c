import { randomInt } from "node:crypto";
import { z } from "zod";
import { CODES, EngineError } from "./errors";
import type { GenerateRequest, PromptMessage, PromptToolCall, ToolChoice, ToolSpec } from "./text/protocol";

/** The text-generation input Workers AI accepts, as far as a local model can honour it. */

// Workers AI's own default when max_tokens is left out.
const DEFAULT_MAX_TOKENS = 256;
const DEFAULT_TEMPERATURE = 0.6;

const contentPart = z.object({ type: z.string(), text: z.string().optional() });

const jsonObject = z.record(z.string(), z.unknown());

/** OpenAI's `{id, type, function: {name, arguments}}` or the older models' flat `{name, arguments}`. */
const toolCall = z.object({
  id: z.string().optional(),
  function: z.object({ name: z.string(), arguments: z.union([z.string(), jsonObject]).optional() }).optional(),
  name: z.string().optional(),
  arguments: z.union([z.string(), jsonObject]).optional(),
});

const message = z.object({
  role: z.enum(["system", "user", "assistant", "tool"]),
  // Assistant turns that only carried tool calls arrive with null (or no) content.
  content: z.union([z.string(), z.array(contentPart)]).nullish(),
  tool_calls: z.array(toolCall).optional(),
  tool_call_id: z.string().optional(),
  name: z.string().optional(),
});

const functionSpec = z.object({ name: z.string().min(1), description: z.string().optional(), parameters: jsonObject.optional() });
/** `{type: "function", function}` as the provider sends it, or Workers AI's flat `{name, description, parameters}`. */
const tool = z.union([z.object({ type: z.literal("function").optional(), function: functionSpec }), functionSpec]);
const toolChoice = z.union([
  z.enum(["auto", "none", "required"]),
  z.object({ type: z.literal("function"), function: z.object({ name: z.string() }) }),
]);

const runInput = z.object({
  messages: z.array(message).min(1).optional(),
  prompt: z.string().min(1).optional(),
  max_tokens: z.number().int().min(1).optional(),
  temperature: z.number().min(0).max(5).optional(),
  top_p: z.number().min(0).max(2).optional(),
  seed: z.number().int().min(0).optional(),
  stream: z.boolean().optional(),
  tools: z.array(tool).optional(),
  tool_choice: toolChoice.optional(),
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
  const messages: PromptMessage[] = input.messages ? input.messages.map(promptMessage) : [{ role: "user", content: input.prompt ?? "" }];
  return {
    stream: input.stream ?? false,
    request: {
      ...toolsOf(input),
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

function promptMessage(m: z.infer<typeof message>): PromptMessage {
  const content = textOf(m.content);
  if (m.role === "tool") return { role: "tool", content, toolCallId: m.tool_call_id, name: m.name };
  if (m.role === "assistant" && m.tool_calls?.length) return { role: "assistant", content, toolCalls: m.tool_calls.map(promptToolCall) };
  return { role: m.role, content };
}

function promptToolCall(call: z.infer<typeof toolCall>): PromptToolCall {
  const args = call.function?.arguments ?? call.arguments ?? {};
  return { id: call.id, name: call.function?.name ?? call.name ?? "", arguments: typeof args === "string" ? args : JSON.stringify(args) };
}

/** The functions offered and the choice, checked against each other; "none" offers none. */
function toolsOf(input: z.infer<typeof runInput>): { tools?: ToolSpec[]; toolChoice?: ToolChoice } {
  const tools = (input.tools ?? []).map((t): ToolSpec => ("function" in t ? t.function : t));
  const choice = input.tool_choice ?? "auto";
  if (choice === "none" || (!tools.length && choice === "auto")) return {};
  if (!tools.length)
    throw new EngineError(CODES.invalidData, 400, "Invalid input: tool_choice asks for a tool call but no tools were given.");
  if (typeof choice === "object") {
    const name = choice.function.name;
    if (!tools.some((t) => t.name === name))
      throw new EngineError(CODES.invalidData, 400, `Invalid input: tool_choice names ${name}, which is not in tools.`);
    return { tools, toolChoice: { name } };
  }
  return { tools, toolChoice: choice };
}

/** Local models read text only: image parts are dropped. */
function textOf(content: z.infer<typeof message>["content"]): string {
  if (content === null || content === undefined) return "";
  if (typeof content === "string") return content;
  return content.flatMap((p) => (p.type === "text" && p.text ? [p.text] : [])).join("\n");
}
