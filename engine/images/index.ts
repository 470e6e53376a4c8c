import type { ServerResponse } from "node:http";
import { basename, resolve } from "node:path";
import { LOCAL_ENGINE_NO_IMAGE_MODEL } from "../../contract/local-engine";
import { findImageModel } from "../../contract/image-models";
import { CODES, EngineError, envelope } from "../errors";
import { missingFiles } from "./pipeline";
import { readImageRequest } from "./request";
import { ImageRunner } from "./runner";

export interface EngineCapability {
  /** Whether this capability answers a run of this model id. */
  handles(model: string): boolean;
  /**
   * Answers one `POST .../ai/run/<model>` in Workers AI's REST contract: the JSON envelope
   * `{result: {image: base64}}` for FLUX-style ids, raw `image/png` for the Stable Diffusion ids, or
   * an error envelope with Workers AI's codes. Stops work when `signal` aborts.
   */
  run(model: string, request: { contentType: string; body: Buffer }, res: ServerResponse, signal: AbortSignal): Promise<void>;
  status(): { ready: boolean; model?: string; problem?: string };
  close(): Promise<void>;
}

/**
 * Every image model id in the catalog, answered by one local SD-Turbo-layout model (real weights,
 * or the generated tiny ones in tests). The `x-local-engine-model` header names the folder, so
 * nobody mistakes its pictures for FLUX's.
 */
export function createImageCapability(options: { modelDir?: string; threads?: number }): EngineCapability {
  const configured = options.modelDir ?? process.env.LOCAL_IMAGE_MODEL_DIR;
  const modelDir = configured?.trim() ? resolve(configured) : undefined;
  const threads = options.threads ?? (Number(process.env.LOCAL_ENGINE_THREADS) || 1);
  const runner = modelDir ? new ImageRunner({ modelDir, threads }) : undefined;

  /** Why there is no usable model, as the sentence a person reads; undefined when there is one. */
  const problem = (): string | undefined => {
    if (!modelDir) return `The local engine has no image model. ${HOW_TO_GET_WEIGHTS}`;
    const missing = missingFiles(modelDir);
    if (missing.length) return `The local engine's image model folder ${modelDir} lacks ${missing.join(", ")}. ${HOW_TO_GET_WEIGHTS}`;
    return runner?.status().problem;
  };

  return {
    handles: (model) => findImageModel(model) !== undefined,

    async run(model, request, res, signal) {
      try {
        const entry = findImageModel(model);
        if (!entry) throw new EngineError(CODES.noSuchModel, 400, `No such model ${model} or task`);
        const missing = problem();
        if (missing || !runner || !modelDir) throw new EngineError(LOCAL_ENGINE_NO_IMAGE_MODEL, 503, missing ?? HOW_TO_GET_WEIGHTS);
        const job = await readImageRequest(entry, request);
        const png = await runner.generate(job, signal);
        const headers = { "x-local-engine-model": basename(modelDir) };
        if (entry.output === "binary") {
          res.writeHead(200, { ...headers, "content-type": "image/png", "content-length": png.length });
          res.end(png);
        } else {
          res.writeHead(200, { ...headers, "content-type": "application/json" });
          res.end(JSON.stringify({ result: { image: png.toString("base64") }, success: true, errors: [], messages: [] }));
        }
      } catch (error) {
        // Nobody is listening to an aborted request; its socket is already gone.
        if (signal.aborted) return void res.destroy();
        const known =
          error instanceof EngineError ? error : new EngineError(CODES.modelProcessFailed, 500, "The local image model failed to answer.");
        if (!(error instanceof EngineError)) console.error("[engine:images]", error);
        res.writeHead(known.status, { "content-type": "application/json" });
        res.end(JSON.stringify(envelope(known.code, known.message)));
      }
    },

    status() {
      const why = problem();
      return { ready: !why, ...(modelDir ? { model: basename(modelDir) } : {}), ...(why ? { problem: why } : {}) };
    },

    close: async () => runner?.close(),
  };
}

const HOW_TO_GET_WEIGHTS =
  "Put SD-Turbo's ONNX export (text_encoder/, unet/, vae_decoder/, tokenizer/) in a folder, set LOCAL_IMAGE_MODEL_DIR to it and restart `npm run dev`; engine/images/README.md says where to get the files.";
