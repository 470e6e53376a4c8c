import { existsSync } from "node:fs";
import type { ServerResponse } from "node:http";
import { basename, join, resolve } from "node:path";
import { VISION_MODELS } from "../../contract/models";
import { EngineError } from "../errors";
import { sendError, sendJson } from "../run";
import { findImage, parseVisionRun } from "./request";
import { noVisionModel, VisionRunner } from "./runner";

export interface EngineCapability {
  /** Whether this capability answers this run: a vision-capable model id AND an image in the request. */
  handles(model: string, body: unknown): boolean;
  /** Answers one `POST .../ai/run/<model>` in Workers AI's REST contract (SSE or JSON envelope; error envelopes `{result:null, success:false, errors:[{code,message}], messages:[]}`; when no vision weights exist: code 9903, HTTP 503, a plain sentence saying how to get them). Stops work when `signal` aborts. Sets header `x-local-engine-model: <model dir name>`. */
  run(model: string, body: unknown, res: import("node:http").ServerResponse, signal: AbortSignal): Promise<void>;
  status(): { ready: boolean; model?: string; problem?: string };
  close(): Promise<void>;
}

const VISION_IDS = new Set(VISION_MODELS.map((m) => m.id));

/**
 * The local engine's answer to Workers AI vision models: a transformers.js image-to-text model on
 * onnxruntime-node, in a child process. Every vision model id is served by the one local model.
 */
export function createVisionCapability(options: { modelDir?: string }): EngineCapability {
  const configured = options.modelDir ?? process.env.LOCAL_VISION_MODEL_DIR;
  const modelDir = configured ? resolve(configured) : undefined;
  const missing = !modelDir
    ? "The local engine has no vision model: LOCAL_VISION_MODEL_DIR is not set."
    : !existsSync(join(modelDir, "config.json"))
      ? `The local engine has no vision model: ${modelDir} has no config.json.`
      : undefined;
  const noModel = missing ? noVisionModel(missing) : undefined;
  const runner = missing ? undefined : new VisionRunner(modelDir!);
  runner?.start();

  return {
    handles: (model, body) => VISION_IDS.has(model) && findImage(body) !== undefined,

    async run(_model, body, res, signal) {
      if (!runner) return sendError(res, noModel!);
      let input;
      try {
        input = parseVisionRun(body);
      } catch (err) {
        if (err instanceof EngineError) return sendError(res, err);
        throw err;
      }
      res.setHeader("x-local-engine-model", basename(modelDir!));
      const { stream } = input;
      let answer = "";
      if (signal.aborted) return void res.end();
      await new Promise<void>((done) => {
        const cancel = runner.run(
          { imageBase64: input.image.toString("base64"), maxTokens: input.maxTokens },
          {
            onToken(text) {
              if (!stream) return void (answer += text);
              if (!res.headersSent) res.writeHead(200, { "content-type": "text/event-stream", "cache-control": "no-cache" });
              res.write(sse({ response: text }));
            },
            onDone(usage) {
              if (!stream) sendJson(res, 200, { result: { response: answer.trim(), usage }, success: true, errors: [], messages: [] });
              else {
                if (!res.headersSent) res.writeHead(200, { "content-type": "text/event-stream", "cache-control": "no-cache" });
                res.end(sse({ response: "", usage }) + "data: [DONE]\n\n");
              }
              done();
            },
            onError(err) {
              // Mid-stream there is no status left to send: ending without [DONE] marks the stream truncated.
              if (res.headersSent) res.end();
              else sendError(res, err);
              done();
            },
          },
        );
        signal.addEventListener(
          "abort",
          () => {
            cancel();
            if (!res.writableEnded) res.end();
            done();
          },
          { once: true },
        );
      });
    },

    status() {
      if (!runner) return { ready: false, problem: noModel!.message };
      return { ...runner.status(), model: basename(modelDir!) };
    },

    close: async () => runner?.close(),
  };
}

function sse(data: unknown): string {
  return `data: ${JSON.stringify(data)}\n\n`;
}
