import type { Context } from "hono";
import { findEmbeddingModel } from "../../contract/embedding-models";
import { AppError } from "../../contract/errors";
import type { AppEnv } from "../http/app-types";
import { log } from "../log";
import { readOpenAiBody } from "./body";
import { ParamError } from "./errors";
import { runModel } from "./run";
import { embeddingsSchema } from "./schemas";
import { admitSpend } from "./spend";
import { tokenCost } from "../../contract/pricing";
import { embeddingTokens } from "../spend/estimate";

/**
 * POST /v1/embeddings: string or array input for the BGE models, `{ text }` in and
 * `{ shape, data }` out on Workers AI. `encoding_format: "base64"` (the openai SDK's default) is
 * little-endian float32 bytes, as OpenAI sends it.
 */
export async function embeddings(c: Context<AppEnv>): Promise<Response> {
  const request = await readOpenAiBody(c, embeddingsSchema, 4_000_000);
  const model = findEmbeddingModel(request.model);
  if (!model)
    throw new ParamError("model", `There is no embedding model called ${request.model}. GET /v1/models lists them.`, "unknown_model");
  if (request.dimensions !== undefined && request.dimensions !== model.dimensions) {
    throw new ParamError("dimensions", `${model.id} makes ${model.dimensions}-dimensional embeddings and cannot shorten them.`);
  }
  const inputs = typeof request.input === "string" ? [request.input] : request.input;
  if (inputs.some((text) => !text)) throw new ParamError("input", "Every input must be a non-empty string.");

  // Embedding models report no usage: the worst case (a token a byte, each input cut where the model
  // stops reading) is both the reservation and the charge.
  const tokens = embeddingTokens(inputs, model.maxInputTokens);
  const neurons = tokenCost(model.price, tokens, 0);
  const spend = await admitSpend(c, neurons, { kind: "documents", model: model.id });
  const output = (await runModel(c, model.id, { text: inputs })) as { data?: unknown } | null;
  const vectors = output?.data;
  if (!Array.isArray(vectors) || vectors.length !== inputs.length || !vectors.every((v) => Array.isArray(v))) {
    throw new AppError("upstream", "The embedding model answered without one vector per input.");
  }
  c.executionCtx.waitUntil(
    spend.settle(neurons).catch((error) => log("v1.usage.error", { model: model.id, detail: String(error).slice(0, 300) })),
  );
  const base64 = request.encoding_format === "base64";
  return c.json({
    object: "list",
    data: (vectors as number[][]).map((vector, index) => ({
      object: "embedding",
      index,
      embedding: base64 ? float32Base64(vector) : vector,
    })),
    model: model.id,
    usage: { prompt_tokens: tokens, total_tokens: tokens },
  });
}

function float32Base64(vector: number[]): string {
  const bytes = new Uint8Array(Float32Array.from(vector).buffer);
  let binary = "";
  for (let i = 0; i < bytes.length; i += 0x8000) binary += String.fromCharCode(...bytes.subarray(i, i + 0x8000));
  return btoa(binary);
}
