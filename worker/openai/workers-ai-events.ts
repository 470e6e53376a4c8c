/**
 * Workers AI's chat output, either format (see /work/shared/reference/workers-ai.md), as plain
 * deltas: the legacy `{response, usage?, tool_calls?}` events and the OpenAI-style
 * `{choices: [{delta, finish_reason}], usage?}` ones, streamed as SSE or answered whole.
 */
export interface Usage {
  prompt_tokens: number;
  completion_tokens: number;
  total_tokens: number;
}

/** OpenAI's streamed tool call piece: `index` says which call a later piece continues. */
export interface ToolCallDelta {
  index: number;
  id?: string;
  type?: "function";
  function?: { name?: string; arguments?: string };
}

export interface Delta {
  content?: string;
  reasoning?: string;
  toolCalls?: ToolCallDelta[];
  finish?: string;
  usage?: Usage;
}

type Json = Record<string, unknown>;

/** One event's JSON (streamed) or a whole answer (not streamed) as a delta. */
export function deltaOf(event: Json, nextToolIndex: () => number): Delta {
  const delta: Delta = {};
  const choices = event.choices as Json[] | undefined;
  if (Array.isArray(choices)) {
    const choice = choices[0] ?? {};
    // Streamed choices carry `delta`, whole answers `message`.
    const part = (choice.delta ?? choice.message ?? {}) as Json;
    if (typeof part.content === "string" && part.content) delta.content = part.content;
    const reasoning = part.reasoning_content ?? part.reasoning;
    if (typeof reasoning === "string" && reasoning) delta.reasoning = reasoning;
    if (Array.isArray(part.tool_calls) && part.tool_calls.length)
      delta.toolCalls = (part.tool_calls as Json[]).map((call, i) => openAiToolCall(call, i));
    if (typeof choice.finish_reason === "string") delta.finish = choice.finish_reason;
  } else if (Array.isArray(event.output)) {
    // Responses-API-shaped answers (gpt-oss answers whole, in this shape): text and reasoning parts.
    for (const item of event.output as Json[]) {
      for (const part of (Array.isArray(item.content) ? item.content : []) as Json[]) {
        if (typeof part.text !== "string" || !part.text) continue;
        if (item.type === "reasoning") delta.reasoning = (delta.reasoning ?? "") + part.text;
        else if (part.type === "output_text") delta.content = (delta.content ?? "") + part.text;
      }
    }
  } else {
    const response = event.response;
    if (typeof response === "string") {
      if (response) delta.content = response;
    } else if (response !== undefined && response !== null) {
      // JSON-mode answers arrive as an object: the client asked for JSON text.
      delta.content = JSON.stringify(response);
    }
    if (Array.isArray(event.tool_calls) && event.tool_calls.length)
      delta.toolCalls = (event.tool_calls as Json[]).map((call) => legacyToolCall(call, nextToolIndex()));
  }
  const usage = event.usage as Partial<Usage> | undefined;
  if (usage && typeof usage === "object") {
    const prompt = Number(usage.prompt_tokens) || 0;
    const completion = Number(usage.completion_tokens) || 0;
    delta.usage = { prompt_tokens: prompt, completion_tokens: completion, total_tokens: Number(usage.total_tokens) || prompt + completion };
  }
  return delta;
}

function openAiToolCall(call: Json, position: number): ToolCallDelta {
  const fn = (call.function ?? {}) as Json;
  const out: ToolCallDelta = { index: typeof call.index === "number" ? call.index : position };
  if (typeof call.id === "string") out.id = call.id;
  if (call.type === "function" || typeof fn.name === "string") out.type = "function";
  const name = typeof fn.name === "string" ? fn.name : undefined;
  const args = typeof fn.arguments === "string" ? fn.arguments : fn.arguments !== undefined ? JSON.stringify(fn.arguments) : undefined;
  if (name !== undefined || args !== undefined)
    out.function = { ...(name !== undefined ? { name } : {}), ...(args !== undefined ? { arguments: args } : {}) };
  return out;
}

/** Legacy models name whole calls `{name, arguments}` (arguments an object): OpenAI wants an id and a string. */
function legacyToolCall(call: Json, index: number): ToolCallDelta {
  const args = call.arguments;
  return {
    index,
    id: typeof call.id === "string" ? call.id : `call_${crypto.randomUUID().replace(/-/g, "").slice(0, 24)}`,
    type: "function",
    function: { name: String(call.name ?? ""), arguments: typeof args === "string" ? args : JSON.stringify(args ?? {}) },
  };
}

/**
 * Splits SSE text into events as it arrives. `push` takes decoded text and calls `onEvent` with
 * each complete `data:` payload; lines that are not JSON (comments, keep-alives, a broken line)
 * are skipped, as the provider does.
 */
export class SseReader {
  private buffer = "";
  done = false;
  private toolIndex = 0;
  private readonly nextToolIndex = () => this.toolIndex++;

  push(text: string, onDelta: (delta: Delta) => void): void {
    const data = this.buffer + text;
    let start = 0;
    for (let end = data.indexOf("\n", start); end !== -1; end = data.indexOf("\n", start)) {
      const line = data.slice(start, end);
      start = end + 1;
      if (!line.startsWith("data:")) continue;
      const payload = line.slice(5).trim();
      if (!payload) continue;
      if (payload === "[DONE]") {
        this.done = true;
        continue;
      }
      let event: unknown;
      try {
        event = JSON.parse(payload);
      } catch {
        continue;
      }
      if (event && typeof event === "object") onDelta(deltaOf(event as Json, this.nextToolIndex));
    }
    this.buffer = data.slice(start);
  }

  /** The last line, when a stream ends without a newline after it. */
  end(onDelta: (delta: Delta) => void): void {
    if (this.buffer) this.push("\n", onDelta);
  }
}
