import type { ChatHistoryItem, ChatModelFunctionCall, ChatModelResponse } from "node-llama-cpp";
import type { PromptMessage, ToolSpec } from "./protocol";

/**
 * Workers AI's messages as node-llama-cpp's chat history. A tool call and its result become one
 * function-call item of the model's response (the chat wrapper renders both in the model's own
 * syntax), matched by `tool_call_id`; when the prompt ends with tool results, the model goes on with
 * the response that made the calls instead of starting a new turn, as it would in its own loop.
 */

type ToolMessage = Extract<PromptMessage, { role: "tool" }>;

/** What a call with no result in the prompt shows the model (the AI SDK always sends one; others may not). */
const NO_RESULT = "No result was returned.";

export function chatHistory(messages: PromptMessage[]): ChatHistoryItem[] {
  const items: ChatHistoryItem[] = [];
  let awaiting: { id?: string; call: ChatModelFunctionCall }[] = [];
  for (const message of messages) {
    if (message.role === "system" || message.role === "user") {
      items.push({ type: message.role, text: message.content });
      continue;
    }
    if (message.role === "assistant") {
      const response: ChatModelResponse["response"] = message.content ? [message.content] : [];
      const calls = (message.toolCalls ?? []).map((toolCall) => {
        const call: ChatModelFunctionCall = {
          type: "functionCall",
          name: toolCall.name,
          params: parseJson(toolCall.arguments),
          result: NO_RESULT,
        };
        return { id: toolCall.id, call };
      });
      response.push(...calls.map((c) => c.call));
      awaiting = calls;
      // What the model said after tool results (text or more calls) continues the same response.
      const previous = items.at(-1);
      if (previous?.type === "model" && previous.response.some(isFunctionCall)) previous.response.push(...response);
      else items.push({ type: "model", response });
      continue;
    }
    const result = message as ToolMessage;
    const index = matchingCall(awaiting, result);
    if (index >= 0) {
      awaiting[index].call.result = parseJson(result.content);
      awaiting.splice(index, 1);
    } else {
      items.push({ type: "user", text: `Result of ${result.name ?? "a tool"}: ${result.content}` });
    }
  }
  const last = items.at(-1);
  if (messages.at(-1)?.role === "tool" && last?.type === "model") return items;
  items.push({ type: "model", response: [] });
  return items;
}

/** By id; else (a shape without ids) the first waiting call of that name; else the first waiting call. */
function matchingCall(awaiting: { id?: string; call: ChatModelFunctionCall }[], message: ToolMessage): number {
  if (message.toolCallId) {
    const byId = awaiting.findIndex((c) => c.id === message.toolCallId);
    if (byId >= 0) return byId;
  }
  const byName = message.name ? awaiting.findIndex((c) => c.call.name === message.name) : -1;
  return byName >= 0 ? byName : awaiting.length ? 0 : -1;
}

/**
 * The instructions for a forced call (tool_choice "required" or a name), answered through a JSON
 * grammar: the functions, their parameters' schemas, and the answer's shape.
 */
export function forcedCallInstructions(tools: ToolSpec[]): string {
  const listed = tools
    .map((tool) => {
      const about = tool.description ? `: ${tool.description}` : "";
      return `- ${tool.name}${about}\n  Parameters (JSON Schema): ${JSON.stringify(tool.parameters ?? { type: "object" })}`;
    })
    .join("\n");
  return `Call ${tools.length === 1 ? "this function" : "one of these functions"} now. Answer with only a JSON object {"name": <function name>, "arguments": <its parameters>}.\n${listed}`;
}

/** The forced-call instructions joined to the prompt's first system message, or as one of their own. */
export function withSystemText(history: ChatHistoryItem[], text: string): ChatHistoryItem[] {
  const first = history[0];
  if (first?.type === "system" && typeof first.text === "string")
    return [{ type: "system", text: `${first.text}\n\n${text}` }, ...history.slice(1)];
  return [{ type: "system", text }, ...history];
}

function isFunctionCall(item: ChatModelResponse["response"][number]): item is ChatModelFunctionCall {
  return typeof item === "object" && item.type === "functionCall";
}

function parseJson(text: string): unknown {
  try {
    return JSON.parse(text);
  } catch {
    return text;
  }
}
