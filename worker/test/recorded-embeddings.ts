import { findEmbeddingModel, RERANKER_MODEL } from "../../contract/models";

/**
 * TEST DOUBLE of Workers AI's embedding and reranker models, for Worker tests only. Answers in the
 * recorded formats (`{ shape: [n, dims], data }` for BGE, `{ response: [{ id, score }] }` for the
 * reranker), with vectors that carry meaning a test can rely on: each word is hashed into a few
 * dimensions, so texts that share words are similar and texts that share none are orthogonal-ish.
 * A real model's vectors are not like this; the point is a predictable stand-in, not realism.
 */
export function fakeEmbedding(text: string, dimensions: number): number[] {
  const v = new Array<number>(dimensions).fill(0);
  for (const word of words(text)) {
    let h = 2166136261;
    for (let i = 0; i < word.length; i++) h = Math.imul(h ^ word.charCodeAt(i), 16777619);
    v[(h >>> 0) % dimensions] += 1;
    v[(h >>> 11) % dimensions] += 0.5;
  }
  return v;
}

export function fakeEmbeddingAnswer(model: string, inputs: Record<string, unknown>): { shape: number[]; data: number[][] } | undefined {
  const spec = findEmbeddingModel(model);
  if (!spec) return undefined;
  const texts = Array.isArray(inputs.text) ? (inputs.text as string[]) : [String(inputs.text)];
  return { shape: [texts.length, spec.dimensions], data: texts.map((t) => fakeEmbedding(t, spec.dimensions)) };
}

/** The reranker double scores the share of the query's words each context contains. */
export function fakeRerankAnswer(
  model: string,
  inputs: Record<string, unknown>,
): { response: { id: number; score: number }[] } | undefined {
  if (model !== RERANKER_MODEL) return undefined;
  const query = new Set(words(String(inputs.query)));
  const contexts = inputs.contexts as { text: string }[];
  const response = contexts.map((c, id) => {
    const have = new Set(words(c.text));
    const shared = [...query].filter((w) => have.has(w)).length;
    return { id, score: query.size ? shared / query.size : 0 };
  });
  return { response: response.sort((a, b) => b.score - a.score) };
}

function words(text: string): string[] {
  return (text.toLowerCase().match(/[a-z0-9]+/g) ?? []).filter((w) => w.length > 2);
}
