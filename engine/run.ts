import type { IncomingMessage, ServerResponse } from "node:http";
import { randomUUID } from "node:crypto";
import { CODES, EngineError, envelope } from "./errors";
import { parseRunInput } from "./schema";
import type { GeneratedToolCall, StopReason } from "./text/protocol";
import type { TextModelManager } from "./text/manager";
import { isTextModelId } from "./text/registry";

/**
 * POST .../ai/run/<model>: Workers AI text generation, answered whole or as SSE chunks. Without
 * tools the answer keeps the legacy `{response}` shape; with tools it takes the OpenAI-style shape
 * of Workers AI's tool-calling models (`choices[0].delta`, tool calls under `delta.tool_calls`,
 * finish reason tool_calls). Reasoning is always `choices[0].delta.reasoning_content`: the only
 * place the provider reads it.
 */

const MAX_BODY_BYTES = 10 * 1024 * 1024;

export async function handleRun(res: ServerResponse, modelId: string, body: unknown, text: TextModelManager): Promise<void> {
  if (!isTextModelId(modelId)) throw new EngineError(CODES.noSuchModel, 400, `No such model ${modelId} or task`);
  const { request, stream } = parseRunInput(body);
  const runner = text.current();
  if (runner instanceof EngineError) throw runner;
  res.setHeader("x-local-engine-model", runner.modelFile);

  const openAi = request.tools !== undefined;
  let answer = "";
  let reasoning = "";
  let toolCalls: OpenAiToolCall[] = [];
  const cancel = runner.run(request, {
    onStart() {
      if (!stream) return;
      res.writeHead(200, { "content-type": "text/event-stream", "cache-control": "no-cache" });
      res.flushHeaders();
    },
    onTokens(pieces) {
      if (!stream) return void (answer += pieces.join(""));
      // Messages the child's pipe delivered together (the engine was busy) leave in one socket
      // write: cork until this tick's messages are handled. Nothing waits for a later token.
      if (!res.writableCorked) {
        res.cork();
        process.nextTick(() => res.uncork());
      }
      res.write(openAi ? deltaFrames("content", pieces) : tokenFrames(pieces));
    },
    onReasoning(pieces) {
      if (!stream) return void (reasoning += pieces.join(""));
      res.write(deltaFrames("reasoning_content", pieces));
    },
    onToolCalls(calls) {
      toolCalls = calls.map(openAiToolCall);
      if (stream)
        res.write(sse({ choices: [{ delta: { tool_calls: toolCalls.map((call, index) => ({ index, ...call })) }, finish_reason: null }] }));
    },
    onDone(usage, stopReason) {
      const finish = finishReason(stopReason, toolCalls.length > 0);
      if (stream) {
        const end = openAi || toolCalls.length ? sse({ choices: [{ delta: {}, finish_reason: finish }] }) : "";
        return void res.end(`${end}${sse({ response: "", usage })}data: [DONE]\n\n`);
      }
      if (!openAi && !reasoning)
        return sendJson(res, 200, { result: { response: answer, usage }, success: true, errors: [], messages: [] });
      const message = {
        role: "assistant",
        content: answer,
        ...(reasoning ? { reasoning_content: reasoning } : {}),
        ...(toolCalls.length ? { tool_calls: toolCalls } : {}),
      };
      sendJson(res, 200, {
        result: { choices: [{ index: 0, message, finish_reason: finish }], usage },
        success: true,
        errors: [],
        messages: [],
      });
    },
    onError(err) {
      // Mid-stream there is no status left to send: ending without [DONE] marks the stream truncated.
      if (res.headersSent) res.end();
      else sendError(res, err);
    },
  });
  res.on("close", () => {
    if (!res.writableFinished) cancel();
  });
}

/**
 * One SSE frame per piece, as Workers AI sends them: the same bytes as `sse({ response })`, without
 * building an object per token.
 */
export function tokenFrames(pieces: string[]): string {
  let frames = "";
  for (const piece of pieces) frames += `data: {"response":${JSON.stringify(piece)}}\n\n`;
  return frames;
}

/** OpenAI-style delta frames, one per piece (`content` or `reasoning_content`). */
function deltaFrames(field: "content" | "reasoning_content", pieces: string[]): string {
  let frames = "";
  for (const piece of pieces) frames += `data: {"choices":[{"delta":{"${field}":${JSON.stringify(piece)}},"finish_reason":null}]}\n\n`;
  return frames;
}

interface OpenAiToolCall {
  id: string;
  type: "function";
  function: { name: string; arguments: string };
}

function openAiToolCall(call: GeneratedToolCall): OpenAiToolCall {
  return {
    id: `chatcmpl-tool-${randomUUID().replace(/-/g, "")}`,
    type: "function",
    function: { name: call.name, arguments: call.arguments },
  };
}

function finishReason(stopReason: StopReason, calledTools: boolean): "tool_calls" | "length" | "stop" {
  if (calledTools) return "tool_calls";
  return stopReason === "maxTokens" ? "length" : "stop";
}

function sse(data: unknown): string {
  return `data: ${JSON.stringify(data)}\n\n`;
}

export function parseJson(body: string): unknown {
  try {
    return JSON.parse(body);
  } catch {
    throw new EngineError(CODES.invalidData, 400, "The request body is not valid JSON.");
  }
}

export async function readBody(req: IncomingMessage): Promise<Buffer> {
  const chunks: Buffer[] = [];
  let size = 0;
  for await (const chunk of req as AsyncIterable<Buffer>) {
    size += chunk.length;
    if (size > MAX_BODY_BYTES) throw new EngineError(CODES.requestTooLarge, 413, "The request is too large.");
    chunks.push(chunk);
  }
  return Buffer.concat(chunks);
}

export function sendJson(res: ServerResponse, status: number, body: unknown): void {
  res.writeHead(status, { "content-type": "application/json" });
  res.end(JSON.stringify(body));
}

export function sendError(res: ServerResponse, err: EngineError): void {
  sendJson(res, err.status, envelope(err.code, err.message));
}
