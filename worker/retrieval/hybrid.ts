import type { KeywordMatch, StoredPassage } from "./document-tables";
import type { VectorMatch } from "./vector-index";

export interface PassageKey {
  documentId: string;
  passage: number;
}

/** Reciprocal rank fusion's constant: damps the top ranks so neither list dominates (Cormack et al., 2009). */
export const RRF_K = 60;

/**
 * Fuses ranked lists by reciprocal rank: each passage scores Σ 1/(RRF_K + rank) over the lists it
 * appears in. Ranks, not scores, are fused, because BM25 and cosine similarity are on unrelated
 * scales. Ties keep the order of first appearance (vector list first).
 */
export function reciprocalRankFusion(lists: readonly (readonly PassageKey[])[]): (PassageKey & { score: number })[] {
  const fused = new Map<string, PassageKey & { score: number }>();
  for (const list of lists) {
    list.forEach((item, rank) => {
      const key = `${item.documentId}:${item.passage}`;
      const entry = fused.get(key) ?? { documentId: item.documentId, passage: item.passage, score: 0 };
      entry.score += 1 / (RRF_K + rank + 1);
      fused.set(key, entry);
    });
  }
  return [...fused.values()].sort((a, b) => b.score - a.score);
}

export interface HybridSources {
  /** The question's vector; undefined when no embedding model answers (keyword search still does). */
  embedQuestion(): Promise<number[] | undefined>;
  vectorSearch(vector: number[], topK: number): Promise<VectorMatch[]>;
  keywordSearch(topK: number): KeywordMatch[] | Promise<KeywordMatch[]>;
  load(keys: PassageKey[]): StoredPassage[] | Promise<StoredPassage[]>;
  /** Relevance of each text to the question, in input order; undefined when no reranker answers. */
  rerank(texts: string[]): Promise<number[] | undefined>;
}

export interface HybridOptions {
  /** Candidates taken from each list. */
  perList: number;
  /** Fused candidates the reranker scores. */
  candidates: number;
  /** Passages handed to the model. */
  final: number;
  /** Below this reranker score a passage is not relevant (bge-reranker-base scores 0..1 after its sigmoid). */
  minRerankScore: number;
  /** Without a reranker: a passage only the vector list found must be at least this similar. */
  minVectorScore: number;
}

export const DEFAULT_HYBRID: HybridOptions = { perList: 20, candidates: 12, final: 5, minRerankScore: 0.05, minVectorScore: 0.6 };

export interface RetrievedPassage extends StoredPassage {
  /** Which stage ordered it last, for logs and the benchmark. */
  rankedBy: "rerank" | "fusion";
}

/**
 * Hybrid retrieval: vector top-k and BM25 top-k fused by reciprocal rank, then re-scored by the
 * cross-encoder when one answers. Passages nothing vouches for are dropped, so "nothing relevant"
 * is a possible answer: an empty list, which the prompt turns into "the documents do not say".
 */
export async function hybridSearch(sources: HybridSources, options: HybridOptions = DEFAULT_HYBRID): Promise<RetrievedPassage[]> {
  const vector = await sources.embedQuestion();
  const [byVector, byKeyword] = await Promise.all([
    vector ? sources.vectorSearch(vector, options.perList) : Promise.resolve([]),
    sources.keywordSearch(options.perList),
  ]);
  const fused = reciprocalRankFusion([byVector, byKeyword]).slice(0, options.candidates);
  if (!fused.length) return [];
  const loaded = await sources.load(fused);

  const scores = await sources.rerank(loaded.map((p) => (p.heading ? `${p.heading}\n${p.text}` : p.text)));
  if (scores) {
    return loaded
      .map((p, i) => ({ p, score: scores[i] ?? 0 }))
      .filter(({ score }) => score >= options.minRerankScore)
      .sort((a, b) => b.score - a.score)
      .slice(0, options.final)
      .map(({ p }) => ({ ...p, rankedBy: "rerank" as const }));
  }
  const keywordHits = new Set(byKeyword.map((k) => `${k.documentId}:${k.passage}`));
  const similar = new Map(byVector.map((v) => [`${v.documentId}:${v.passage}`, v.score]));
  return loaded
    .filter((p) => {
      const key = `${p.documentId}:${p.passage}`;
      return keywordHits.has(key) || (similar.get(key) ?? 0) >= options.minVectorScore;
    })
    .slice(0, options.final)
    .map((p) => ({ ...p, rankedBy: "fusion" as const }));
}
