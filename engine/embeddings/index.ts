import { existsSync } from "node:fs";
import type { ServerResponse } from "node:http";
import { basename, dirname, join, resolve } from "node:path";
import { LOCAL_ENGINE_NO_EMBEDDING_MODEL } from "../../contract/local-engine";
import { EMBEDDING_MODELS } from "../../contract/models";
import { CODES, EngineError } from "../errors";
import { sendError, sendJson } from "../run";
import { defaultCacheDir } from "../text/registry";
import { downloadHubModel } from "./download";
import { terminalProgress } from "./progress-bar";

const BY_ID = new Map(EMBEDDING_MODELS.map((m) => [m.id, m]));
/** Workers AI takes at most 100 texts per call; so does the engine. */
const MAX_TEXTS = 100;

/**
 * The real model each id is downloaded as, when nothing is configured and the engine may download:
 * transformers.js exports in the Hugging Face hub layout, the 8-bit quantized ONNX (about a quarter
 * of the fp32 file: 34 MB small, 110 MB base, 337 MB large). bge-m3 has none listed here: set
 * LOCAL_EMBEDDING_MODEL_DIR for it.
 */
export const HUB_REPOS: Readonly<Record<string, string>> = {
  "@cf/baai/bge-small-en-v1.5": "Xenova/bge-small-en-v1.5",
  "@cf/baai/bge-base-en-v1.5": "Xenova/bge-base-en-v1.5",
  "@cf/baai/bge-large-en-v1.5": "Xenova/bge-large-en-v1.5",
};
export const HUB_FILES = ["config.json", "tokenizer.json", "tokenizer_config.json", "onnx/model_quantized.onnx"] as const;
export const DEFAULT_HUB_URL = "https://huggingface.co";

type Extractor = (texts: string[], options: { pooling: "cls"; normalize: boolean }) => Promise<{ dims: number[]; tolist(): number[][] }>;

export interface EmbeddingOptions {
  /** One transformers.js BGE folder for every id (default env LOCAL_EMBEDDING_MODEL_DIR). */
  modelDir?: string;
  /** Where downloaded models are kept, one folder per repository (default: the text model's cache). */
  cacheDir?: string;
  /** Hub to download from (default env LOCAL_EMBEDDING_HUB_URL, else huggingface.co). */
  hubUrl?: string;
  /** false: never download; without a configured folder there is then no embedding model. */
  download?: boolean;
}

/**
 * The local engine's answer to the BGE embedding models: transformers.js feature extraction with
 * BGE's own pooling ([CLS], normalised), answering Workers AI's `{ shape, data }` in its envelope.
 * It runs in the engine's process, not a child: onnxruntime runs inference on its own threads, so
 * the HTTP server keeps answering, and a batch of passages takes milliseconds on a small model.
 * A configured folder serves every BGE id (it must have the id's dimensions). Without one, the
 * first request for an id downloads its real model into the cache (progress on the terminal and in
 * GET /local/status) and waits for it; later requests and later starts use the cached folder.
 * There is no local reranker: the Worker's reranker call fails here, is logged and charged nothing, and passages keep their fused order.
 */
export function createEmbeddingCapability(options: EmbeddingOptions) {
  const configured = options.modelDir ?? process.env.LOCAL_EMBEDDING_MODEL_DIR;
  const modelDir = configured ? resolve(configured) : undefined;
  const missing = !modelDir
    ? undefined
    : !existsSync(join(modelDir, "config.json"))
      ? `The local engine has no embedding model: ${modelDir} has no config.json.`
      : undefined;
  const hub = options.hubUrl ?? (process.env.LOCAL_EMBEDDING_HUB_URL || DEFAULT_HUB_URL);
  const cacheDir = resolve(options.cacheDir ?? defaultCacheDir());
  const mayDownload = options.download !== false;
  const loading = new Map<string, Promise<Extractor>>();
  const downloads = new Map<string, Promise<void>>();
  /** Per repository being downloaded: percent done; after a failure, why. */
  const progress = new Map<string, number>();
  const failures = new Map<string, string>();

  // Laid out as the hub names it (transformers.js refuses a model folder named with "--").
  const cachedDir = (repo: string) => join(cacheDir, "embeddings", ...repo.split("/"));

  /** The folder that answers `model`, downloading it first if that is how it is had. */
  const folderFor = async (model: string): Promise<string> => {
    if (modelDir) {
      if (missing) throw noEmbeddingModel(missing);
      return modelDir;
    }
    const repo = HUB_REPOS[model];
    if (!repo) throw noEmbeddingModel(`The local engine downloads no model for ${model}: LOCAL_EMBEDDING_MODEL_DIR is not set.`);
    const dir = cachedDir(repo);
    if (existsSync(join(dir, "config.json"))) return dir;
    if (!mayDownload)
      throw noEmbeddingModel("The local engine has no embedding model: LOCAL_EMBEDDING_MODEL_DIR is not set and downloading is off.");
    let running = downloads.get(repo);
    if (!running) {
      const bar = terminalProgress(`Embedding model ${repo}`);
      progress.set(repo, 0);
      failures.delete(repo);
      running = downloadHubModel({
        hub,
        repo,
        files: HUB_FILES,
        target: dir,
        onProgress: (done, total) => {
          if (total) progress.set(repo, (done / total) * 100);
          bar.update(done, total);
        },
      })
        .then(() => bar.end(`ready in ${dir}`))
        .catch((error: Error) => {
          const reason = `Could not download ${repo} from ${hub} (${error.message}).`;
          failures.set(repo, reason);
          bar.end(reason);
          throw noEmbeddingModel(`${reason} What arrived is kept and the next request resumes it.`);
        })
        .finally(() => {
          downloads.delete(repo);
          progress.delete(repo);
        });
      downloads.set(repo, running);
    }
    await running;
    return dir;
  };

  const load = (dir: string) => {
    let extractor = loading.get(dir);
    if (!extractor) {
      extractor = (async () => {
        const { env, pipeline } = await import("@huggingface/transformers");
        env.allowRemoteModels = false;
        env.allowLocalModels = true;
        env.localModelPath = dirname(dir);
        // A folder with the full-precision file uses it; the hub download has the quantized one.
        const dtype = existsSync(join(dir, "onnx", "model.onnx")) ? "fp32" : "q8";
        return (await pipeline("feature-extraction", basename(dir), { dtype })) as unknown as Extractor;
      })().catch((error: Error) => {
        loading.delete(dir);
        throw noEmbeddingModel(`Could not load the embedding model in ${dir} (${error.message}).`);
      });
      loading.set(dir, extractor);
    }
    return extractor;
  };

  return {
    handles: (model: string) => BY_ID.has(model),

    async run(model: string, body: unknown, res: ServerResponse) {
      const text = (body as { text?: unknown })?.text;
      const texts =
        typeof text === "string"
          ? [text]
          : Array.isArray(text) && text.every((t) => typeof t === "string")
            ? (text as string[])
            : undefined;
      if (!texts?.length)
        return sendError(res, new EngineError(CODES.invalidData, 400, "`text` must be a string or a non-empty array of strings."));
      if (texts.length > MAX_TEXTS) return sendError(res, new EngineError(CODES.invalidData, 400, `At most ${MAX_TEXTS} texts per call.`));
      let extractor: Extractor;
      let dir: string;
      try {
        dir = await folderFor(model);
        extractor = await load(dir);
      } catch (error) {
        return sendError(res, error as EngineError);
      }
      const output = await extractor(texts, { pooling: "cls", normalize: true });
      const dimensions = output.dims[1];
      const expected = BY_ID.get(model)!.dimensions;
      if (dimensions !== expected) {
        return sendError(
          res,
          noEmbeddingModel(
            `The local embedding model makes ${dimensions}-number vectors; ${model} makes ${expected}. Point LOCAL_EMBEDDING_MODEL_DIR at a matching BGE model.`,
          ),
        );
      }
      res.setHeader("x-local-engine-model", basename(dir));
      sendJson(res, 200, { result: { shape: output.dims, data: output.tolist() }, success: true, errors: [], messages: [] });
    },

    status() {
      if (modelDir)
        return missing ? { ready: false, problem: noEmbeddingModel(missing).message } : { ready: true, model: basename(modelDir) };
      const cached = Object.values(HUB_REPOS).filter((repo) => existsSync(join(cachedDir(repo), "config.json")));
      const downloading = [...progress].map(([repo, percent]) => ({ model: repo, percent }))[0];
      const problem = [...failures.values()][0];
      return {
        ready: cached.length > 0,
        ...(cached.length ? { model: cached.map((repo) => basename(cachedDir(repo))).join(", ") } : {}),
        ...(downloading ? { downloading } : {}),
        ...(problem
          ? { problem }
          : !cached.length && !downloading
            ? {
                problem: mayDownload
                  ? `No embedding model yet: the first document embedded downloads ${HUB_REPOS["@cf/baai/bge-base-en-v1.5"]} from ${hub}.`
                  : noEmbeddingModel("The local engine has no embedding model.").message,
              }
            : {}),
      };
    },
  };
}

/** Why there is no embedding, with what a person does about it (HTTP 503, code 9904). */
export function noEmbeddingModel(reason: string): EngineError {
  return new EngineError(
    LOCAL_ENGINE_NO_EMBEDDING_MODEL,
    503,
    `${reason} Ask again while online and the engine downloads the model; or download a transformers.js BGE model (e.g. Xenova/bge-base-en-v1.5; see engine/embeddings/README.md), set LOCAL_EMBEDDING_MODEL_DIR to its folder and restart \`npm run dev\`.`,
  );
}
