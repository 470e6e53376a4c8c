import type { IncomingMessage, ServerResponse } from "node:http";
import { CODES, EngineError, envelope } from "./errors";
import { parseRunInput } from "./schema";
import type { TextModelManager } from "./text/manager";
import { isTextModelId } from "./text/registry";

/** POST .../ai/run/<model>: Workers AI text generation, answered whole or as legacy SSE chunks. */

const MAX_BODY_BYTES = 10 * 1024 * 1024;

export async function handleRun(res: ServerResponse, modelId: string, body: unknown, text: TextModelManager): Promise<void> {
  if (!isTextModelId(modelId)) throw new EngineError(CODES.noSuchModel, 400, `No such model ${modelId} or task`);
  const { request, stream } = parseRunInput(body);
  const runner = text.current();
  if (runner instanceof EngineError) throw runner;
  res.setHeader("x-local-engine-model", runner.modelFile);

  let answer = "";
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
      res.write(tokenFrames(pieces));
    },
    onDone(usage) {
      if (stream) res.end(sse({ response: "", usage }) + "data: [DONE]\n\n");
      else sendJson(res, 200, { result: { response: answer, usage }, success: true, errors: [], messages: [] });
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
