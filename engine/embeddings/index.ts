import { existsSync } from "node:fs";
import type { ServerResponse } from "node:http";
import { basename, dirname, join, resolve } from "node:path";
import { LOCAL_ENGINE_NO_EMBEDDING_MODEL } from "../../contract/local-engine";
import { EMBEDDING_MODELS } from "../../contract/models";
import { CODES, EngineError } from "../errors";
import { sendError, sendJson } from "../run";

const BY_ID = new Map(EMBEDDING_MODELS.map((m) => [m.id, m]));
/** Workers AI takes at most 100 texts per call; so does the engine. */
const MAX_TEXTS = 100;

type Extractor = (texts: string[], options: { pooling: "cls"; normalize: boolean }) => Promise<{ dims: number[]; tolist(): number[][] }>;

/**
 * The local engine's answer to the BGE embedding models: transformers.js feature extraction with
 * BGE's own pooling ([CLS], normalised), answering Workers AI's `{ shape, data }` in its envelope.
 * It runs in the engine's process, not a child: onnxruntime runs inference on its own threads, so
 * the HTTP server keeps answering, and a batch of passages takes milliseconds on a small model.
 * Every BGE id is served by the one local model, which must have the id's dimensions. There is no
 * local reranker: the Worker skips reranking on the local engine and says so in its logs.
 */
export function createEmbeddingCapability(options: { modelDir?: string }) {
  const configured = options.modelDir ?? process.env.LOCAL_EMBEDDING_MODEL_DIR;
  const modelDir = configured ? resolve(configured) : undefined;
  const missing = !modelDir
    ? "The local engine has no embedding model: LOCAL_EMBEDDING_MODEL_DIR is not set."
    : !existsSync(join(modelDir, "config.json"))
      ? `The local engine has no embedding model: ${modelDir} has no config.json.`
      : undefined;
  let loading: Promise<Extractor> | undefined;

  const load = () =>
    (loading ??= (async () => {
      const { env, pipeline } = await import("@huggingface/transformers");
      env.allowRemoteModels = false;
      env.allowLocalModels = true;
      env.localModelPath = dirname(modelDir!);
      return (await pipeline("feature-extraction", basename(modelDir!), { dtype: "fp32" })) as unknown as Extractor;
    })().catch((error: Error) => {
      loading = undefined;
      throw noEmbeddingModel(`Could not load the embedding model in ${modelDir} (${error.message}).`);
    }));

  return {
    handles: (model: string) => BY_ID.has(model),

    async run(model: string, body: unknown, res: ServerResponse) {
      if (missing) return sendError(res, noEmbeddingModel(missing));
      const text = (body as { text?: unknown })?.text;
      const texts = typeof text === "string" ? [text] : Array.isArray(text) && text.every((t) => typeof t === "string") ? (text as string[]) : undefined;
      if (!texts?.length) return sendError(res, new EngineError(CODES.invalidData, 400, "`text` must be a string or a non-empty array of strings."));
      if (texts.length > MAX_TEXTS) return sendError(res, new EngineError(CODES.invalidData, 400, `At most ${MAX_TEXTS} texts per call.`));
      let extractor: Extractor;
      try {
        extractor = await load();
      } catch (error) {
        return sendError(res, error as EngineError);
      }
      const output = await extractor(texts, { pooling: "cls", normalize: true });
      const dimensions = output.dims[1];
      const expected = BY_ID.get(model)!.dimensions;
      if (dimensions !== expected) {
        return sendError(res, noEmbeddingModel(`The local embedding model makes ${dimensions}-number vectors; ${model} makes ${expected}. Point LOCAL_EMBEDDING_MODEL_DIR at a matching BGE model.`));
      }
      res.setHeader("x-local-engine-model", basename(modelDir!));
      sendJson(res, 200, { result: { shape: output.dims, data: output.tolist() }, success: true, errors: [], messages: [] });
    },

    status() {
      return missing ? { ready: false, problem: noEmbeddingModel(missing).message } : { ready: true, model: basename(modelDir!) };
    },
  };
}

/** Why there is no embedding, with what a person does about it (HTTP 503, code 9904). */
export function noEmbeddingModel(reason: string): EngineError {
  return new EngineError(
    LOCAL_ENGINE_NO_EMBEDDING_MODEL,
    503,
    `${reason} Download a transformers.js BGE model (e.g. Xenova/bge-base-en-v1.5; see engine/embeddings/README.md), set LOCAL_EMBEDDING_MODEL_DIR to its folder and restart \`npm run dev\`.`,
  );
}
