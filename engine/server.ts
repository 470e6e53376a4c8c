import { createServer, type IncomingMessage, type ServerResponse } from "node:http";
import type { AddressInfo } from "node:net";
import type { EventEmitter } from "node:events";
import { LOCAL_ENGINE_HEADER } from "../contract/local-engine";
import { CODES, EngineError } from "./errors";
import { createEmbeddingCapability } from "./embeddings";
import { createImageCapability } from "./images";
import { refusal } from "./request-guard";
import { handleRun, parseJson, readBody, sendError, sendJson } from "./run";
import { createVisionCapability } from "./vision";
import { createSpeechCapability } from "./speech";
import { TextModelManager } from "./text/manager";
import { chooseTextModel } from "./text/registry";

/**
 * The local inference engine: speaks Cloudflare's Workers AI REST contract on plain node:http so
 * the Worker can use it in place of Cloudflare when offline.
 */

export interface EngineOptions {
  /** 0 picks a free port. */
  port?: number;
  host?: string;
  textModelPath?: string;
  /** SD-Turbo-layout ONNX folder for the image models (default env LOCAL_IMAGE_MODEL_DIR). */
  imageModelDir?: string;
  /** transformers.js image-to-text folder for the vision models (default env LOCAL_VISION_MODEL_DIR). */
  visionModelDir?: string;
  /** transformers.js BGE (feature-extraction) folder for the embedding models (default env LOCAL_EMBEDDING_MODEL_DIR). */
  embeddingModelDir?: string;
  /** transformers.js Whisper folder for the transcription models (default env LOCAL_WHISPER_MODEL_DIR). */
  whisperModelDir?: string;
  cacheDir?: string;
  threads?: number;
  download?: { url?: string } | false;
  /** Bearer token every request must carry (default env LOCAL_ENGINE_TOKEN; none: no token needed). */
  token?: string;
}

export interface Engine {
  /** Base URL, as Workers AI's `https://api.cloudflare.com/client/v4/accounts/<id>/ai`. */
  url: string;
  /** "child-start", "run-start" and "run-end" from the inference child, for logs and tests. */
  events: EventEmitter;
  close(): Promise<void>;
}

const RUN_PATH = /^\/client\/v4\/accounts\/[^/]+\/ai\/run\/(.+)$/;

export async function startEngine(opts: EngineOptions = {}): Promise<Engine> {
  const text = new TextModelManager(
    chooseTextModel({
      textModelPath: opts.textModelPath,
      cacheDir: opts.cacheDir,
      downloadUrl: opts.download ? opts.download.url : undefined,
    }),
    // The library's default thread count ran 1,000 times slower here on 2 cores: always set it.
    { threads: opts.threads ?? (Number(process.env.LOCAL_ENGINE_THREADS) || 1), download: opts.download !== false },
  );
  const images = createImageCapability({ modelDir: opts.imageModelDir });
  const vision = createVisionCapability({ modelDir: opts.visionModelDir });
  const embeddings = createEmbeddingCapability({
    modelDir: opts.embeddingModelDir,
    cacheDir: opts.cacheDir,
    download: opts.download !== false,
  });
  const speech = createSpeechCapability({
    whisperModelDir: opts.whisperModelDir,
    cacheDir: opts.cacheDir,
    download: opts.download !== false,
  });
  const token = opts.token ?? (process.env.LOCAL_ENGINE_TOKEN || undefined);
  const host = opts.host ?? "127.0.0.1";
  let port = 0; // known once listening

  const route = async (req: IncomingMessage, res: ServerResponse) => {
    const refused = refusal(req.headers, { host, port, token });
    if (refused) throw refused;
    const { pathname, searchParams } = new URL(req.url ?? "/", "http://engine");
    if (req.method === "GET" && pathname === "/local/status") {
      res.setHeader(LOCAL_ENGINE_HEADER, "1");
      return sendJson(res, 200, {
        ...text.status(),
        images: images.status(),
        vision: vision.status(),
        embeddings: embeddings.status(),
        speech: speech.status(),
      });
    }
    const run = RUN_PATH.exec(pathname);
    if (req.method !== "POST" || !run) throw new EngineError(CODES.noRoute, 404, "No route for that URI");
    const model = decodeURIComponent(run[1]);
    const body = await readBody(req);
    // A client that goes away (Stop, a closed tab) cancels the work it asked for.
    const gone = new AbortController();
    res.on("close", () => res.writableFinished || gone.abort());
    if (images.handles(model)) return images.run(model, { contentType: req.headers["content-type"] ?? "", body }, res, gone.signal);
    // Speech before JSON: Nova-3's body is the audio itself.
    if (speech.handles(model)) return speech.run(model, { contentType: req.headers["content-type"] ?? "", body, query: searchParams }, res);
    const json = parseJson(body.toString("utf8"));
    if (embeddings.handles(model)) return embeddings.run(model, json, res);
    if (vision.handles(model, json)) return vision.run(model, json, res, gone.signal);
    await handleRun(res, model, json, text);
  };

  const server = createServer({ noDelay: true }, (req, res) => {
    route(req, res).catch((err: unknown) => {
      if (res.headersSent) return void res.end();
      if (err instanceof EngineError) return sendError(res, err);
      console.error("[engine]", err);
      sendError(res, new EngineError(CODES.modelProcessFailed, 500, "The local engine failed to answer."));
    });
  });
  await new Promise<void>((resolve, reject) => {
    server.once("error", reject);
    server.listen(opts.port ?? 8788, host, resolve);
  });
  text.start();

  port = (server.address() as AddressInfo).port;
  return {
    url: `http://${host.includes(":") ? `[${host}]` : host}:${port}/client/v4/accounts/local/ai`,
    events: text.events,
    async close() {
      await Promise.all([text.close(), images.close(), vision.close()]);
      server.closeAllConnections();
      await new Promise<void>((resolve) => server.close(() => resolve()));
    },
  };
}
