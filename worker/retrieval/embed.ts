import { AppError } from "../../contract/errors";
import { findEmbeddingModel } from "../../contract/models";
import { tokenCost } from "../../contract/pricing";
import type { AiBinding } from "../ai/binding";
import { embeddingTokens } from "../spend/estimate";

/** Texts per Workers AI call: the BGE models take up to 100; 50 keeps each request well under the size limit. */
export const EMBED_BATCH = 50;

/**
 * Embeds texts with a catalog embedding model through the model backend, in batches. Workers AI answers
 * `{ shape: [n, dims], data: number[][] }`; anything else (a wrong count, a wrong width) is refused
 * rather than stored, since one bad vector would silently corrupt every later search.
 */
export async function embedTexts(
  binding: AiBinding,
  model: string,
  texts: string[],
  onBatch?: (done: number) => void | Promise<void>,
): Promise<number[][]> {
  const spec = findEmbeddingModel(model);
  if (!spec) throw new AppError("unknown_model", `There is no embedding model called ${model}.`);
  const vectors: number[][] = [];
  for (let start = 0; start < texts.length; start += EMBED_BATCH) {
    const batch = texts.slice(start, start + EMBED_BATCH);
    const answer = (await (binding.run as (m: string, i: unknown) => Promise<unknown>)(model, { text: batch })) as {
      shape?: number[];
      data?: unknown;
    };
    const data = answer?.data;
    if (!Array.isArray(data) || data.length !== batch.length || !data.every((v) => Array.isArray(v) && v.length === spec.dimensions)) {
      throw new AppError(
        "upstream",
        `The embedding model answered in an unexpected shape (expected ${batch.length} vectors of ${spec.dimensions} numbers).`,
      );
    }
    vectors.push(...(data as number[][]));
    await onBatch?.(vectors.length);
  }
  return vectors;
}

/**
 * What embedding these texts costs, in Workers AI neurons, at the catalog's price (the one place
 * embedding spend is priced, so ingestion and questions reserve and settle it like any model call).
 * Workers AI bills BGE models per input token and reports no usage; the Worker has no tokenizer, so
 * tokens are counted at their most (worker/spend/estimate.ts), as /v1/embeddings does.
 */
export function embeddingNeurons(model: string, texts: readonly string[]): number {
  const spec = findEmbeddingModel(model);
  if (!spec) throw new AppError("unknown_model", `There is no embedding model called ${model}.`);
  return tokenCost(spec.price, embeddingTokens(texts, spec.maxInputTokens), 0);
}
