import type { ChatModel } from "../../contract/models";
import { CHAT_MODELS, CHAT_SETTINGS_LIMITS } from "../../contract/models";
import { PromptSize } from "../spend/estimate";
import { ParamError } from "./errors";
import type { ChatCompletionRequest, OpenAiMessage, ResponseFormat } from "./schemas";

/**
 * An OpenAI chat request as Workers AI's chat inputs (`{messages, max_tokens, temperature, top_p,
 * tools?, tool_choice?, response_format?, stream}`, the same names), refusing what this model cannot
 * do: images for a model without vision, tools for one without function calling, JSON mode for one
 * without it (catalog flags).
 */
export function workersAiChatInputs(request: ChatCompletionRequest, model: ChatModel, stream: boolean): Record<string, unknown> {
  const messages = request.messages.map((message, i) => toWorkersAiMessage(message, i, model));
  if (request.tools?.length && !model.tools)
    throw new ParamError("tools", `${model.id} does not support function calling. Pick a model with tools, or leave tools out.`);
  const inputs: Record<string, unknown> = {
    messages,
    // An OpenAI request has no limit but the context window; ours is the app's largest answer.
    max_tokens: request.max_completion_tokens ?? request.max_tokens ?? CHAT_SETTINGS_LIMITS.maxTokens.max,
    stream,
  };
  for (const key of ["temperature", "top_p", "seed", "frequency_penalty", "presence_penalty", "stop"] as const) {
    if (request[key] !== undefined && request[key] !== null) inputs[key] = request[key];
  }
  if (request.tools?.length) {
    inputs.tools = request.tools;
    if (request.tool_choice) inputs.tool_choice = request.tool_choice;
  }
  const format = jsonModeFormat(request.response_format, model);
  if (format) {
    inputs.response_format = format;
    // JSON mode does not stream on Workers AI: the whole answer is asked for, and a streaming client
    // gets it as one burst of chunks (chat.ts), as with the models that never stream.
    inputs.stream = false;
  }
  return inputs;
}

const JSON_MODE_MODELS = CHAT_MODELS.filter((m) => m.jsonMode)
  .map((m) => m.id)
  .join(", ");

/**
 * OpenAI's `response_format` as Workers AI's JSON mode takes it, or undefined for plain text. Workers
 * AI wants the JSON Schema itself under `json_schema`, where OpenAI wraps it in `{name, schema, strict}`.
 * A model without JSON mode is refused: ignoring the field would hand back prose to a client parsing JSON.
 */
function jsonModeFormat(format: ResponseFormat | null | undefined, model: ChatModel): Record<string, unknown> | undefined {
  if (!format || format.type === "text") return undefined;
  if (!model.jsonMode)
    throw new ParamError(
      "response_format",
      `${model.id} does not support JSON mode (response_format ${format.type}). Models with JSON mode: ${JSON_MODE_MODELS}; or leave response_format out.`,
    );
  if (format.type === "json_schema" && format.json_schema.schema) return { type: "json_schema", json_schema: format.json_schema.schema };
  return { type: "json_object" };
}

function toWorkersAiMessage(message: OpenAiMessage, index: number, model: ChatModel): Record<string, unknown> {
  switch (message.role) {
    case "system":
    case "developer":
      return { role: "system", content: joinText(message.content) };
    case "user": {
      if (typeof message.content === "string") return { role: "user", content: message.content };
      const hasImage = message.content.some((part) => part.type === "image_url");
      if (!hasImage) return { role: "user", content: joinText(message.content) };
      if (!model.vision)
        throw new ParamError(`messages.${index}.content`, `${model.id} does not read images. Pick a vision model, or send text only.`);
      return { role: "user", content: message.content };
    }
    case "assistant":
      return {
        role: "assistant",
        content: message.content === null || message.content === undefined ? "" : joinText(message.content),
        ...(message.tool_calls?.length ? { tool_calls: message.tool_calls } : {}),
      };
    case "tool":
      return { role: "tool", content: joinText(message.content), tool_call_id: message.tool_call_id };
  }
}

/** Models without multimodal input take a string: text parts are joined as they would be read. */
function joinText(content: string | { type: string; text?: string }[]): string {
  return typeof content === "string" ? content : content.map((part) => part.text ?? "").join("\n");
}

/**
 * The request's worst-case input tokens (worker/spend/estimate.ts), within the model's context
 * window: every message's text, each image at its price, tool definitions, the assistant's tool
 * calls and the tools' results, and tool_choice. Reserved before the call, and the prompt's usage
 * when the model reports none.
 */
export function promptTokens(request: ChatCompletionRequest, model: ChatModel): number {
  const size = new PromptSize(model.contextWindow);
  for (const message of request.messages) {
    size.item();
    if (message.role === "tool") size.text(message.tool_call_id);
    const content = message.content;
    if (typeof content === "string") size.text(content);
    else if (Array.isArray(content))
      for (const part of content) {
        if (part.type === "text") size.text(part.text);
        else size.image();
      }
    if (message.role === "assistant") for (const call of message.tool_calls ?? []) addToolCall(size, call);
  }
  // Sent to the model only with tools (workersAiChatInputs).
  if (request.tools?.length) {
    for (const tool of request.tools) size.item().json(tool);
    if (request.tool_choice) size.json(request.tool_choice);
  }
  // Sent to the model in JSON mode: the schema, where there is one, is as much input as a message.
  if (request.response_format && request.response_format.type !== "text") size.json(request.response_format);
  return size.tokens();
}

/**
 * A tool call's arguments arrive as a JSON string; a template may write them as that string (quoted
 * and escaped) or parse them and write the object out again, so the longer of the two is counted.
 */
function addToolCall(size: PromptSize, call: NonNullable<Extract<OpenAiMessage, { role: "assistant" }>["tool_calls"]>[number]): void {
  size.item().text(call.id).text(call.function.name);
  const quoted = new PromptSize().json(call.function.arguments).tokens();
  let parsed: unknown;
  try {
    parsed = JSON.parse(call.function.arguments);
  } catch {
    parsed = undefined;
  }
  const rewritten = parsed === undefined ? 0 : new PromptSize().json(parsed).tokens();
  size.json(quoted >= rewritten ? call.function.arguments : parsed);
}
