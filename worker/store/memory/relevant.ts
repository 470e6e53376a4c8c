import { type Memory, MEMORY_LIMITS, type UsedMemory } from "../../../contract/memory";
import { queryWords } from "../../retrieval/document-tables";
import { DEFAULT_HYBRID, hybridSearch, type HybridOptions } from "../../retrieval/hybrid";
import { log } from "../../log";

/** The memories' vector side of the search; absent, or a question that cannot be embedded: keywords only. */
export interface MemoryVectorSearch {
  /** The turn's question embedding (shared with the documents' search); a throw means none today. */
  embedQuestion(): Promise<number[] | undefined>;
  /** The closest memories to a question vector, best first, with their cosine similarity. */
  nearest(vector: number[], topK: number): { memoryId: string; score: number }[] | Promise<{ memoryId: string; score: number }[]>;
}

/**
 * The documents' hybrid search (worker/retrieval/hybrid.ts) over memories: every memory a candidate
 * on both lists, fused by reciprocal rank. Without the reranker: it is a second paid call on every
 * turn, for at most five one-line memories, so the fusion and its similarity floor (the documents'
 * own path when no reranker answers) decide: a memory is used when it shares a word with the
 * question or its embedding is at least `minVectorScore` similar.
 */
const MEMORY_HYBRID: HybridOptions = {
  perList: MEMORY_LIMITS.perPerson,
  candidates: MEMORY_LIMITS.perPerson,
  final: MEMORY_LIMITS.perPerson,
  minRerankScore: 0,
  minVectorScore: DEFAULT_HYBRID.minVectorScore,
};

/**
 * The memories that matter to a question, best first: at most MEMORY_LIMITS.perAnswer of them and
 * MEMORY_LIMITS.promptChars in all; none when no memory shares a word with the question or is close
 * to it in meaning. Keyword ranking is BM25 over word stems, computed here (200 short memories rank
 * in well under a millisecond, so no keyword index is kept); the vector side is `vectors`, and a
 * question it cannot embed (no budget, no model) leaves the keywords to answer alone.
 */
export async function relevantMemories(memories: readonly Memory[], question: string, vectors?: MemoryVectorSearch): Promise<UsedMemory[]> {
  if (!memories.length) return [];
  const byId = new Map(memories.map((m) => [m.id, m]));
  const found = await hybridSearch(
    {
      embedQuestion: async () => {
        try {
          return await vectors?.embedQuestion();
        } catch (error) {
          log("memory.question_embed_failed", { detail: String(error).slice(0, 200) });
          return undefined;
        }
      },
      // Only memories above the similarity floor are ranked by meaning: every memory is a candidate
      // (the list is short), and ranks are fused, not scores, so an unrelated memory's place in the
      // vector list would otherwise lift it over a better keyword match.
      vectorSearch: async (vector, topK) =>
        (await vectors!.nearest(vector, topK))
          .filter((n) => n.score >= MEMORY_HYBRID.minVectorScore)
          .map((n) => ({ id: n.memoryId, documentId: n.memoryId, passage: 0, score: n.score })),
      keywordSearch: (topK) => keywordRanked(memories, question).slice(0, topK),
      load: (keys) =>
        keys.flatMap((k) => {
          const memory = byId.get(k.documentId);
          return memory ? [{ documentId: memory.id, documentName: "", passage: 0, page: null, heading: null, text: memory.text }] : [];
        }),
      rerank: async () => undefined,
    },
    MEMORY_HYBRID,
  );

  const chosen: UsedMemory[] = [];
  let chars = 0;
  for (const { documentId: id, text } of found) {
    if (chosen.length === MEMORY_LIMITS.perAnswer) break;
    if (chars + text.length > MEMORY_LIMITS.promptChars) continue;
    chars += text.length;
    chosen.push({ id, text });
  }
  return chosen;
}

/** Memories sharing words with the question, by BM25 (best first; ties: the older first). */
function keywordRanked(memories: readonly Memory[], question: string): { documentId: string; passage: number; score: number }[] {
  const asked = new Set(queryWords(question).map(stem));
  if (!asked.size) return [];
  const docs = memories.map((memory) => ({ memory, words: queryWords(memory.text).map(stem) }));
  const averageLength = docs.reduce((sum, d) => sum + d.words.length, 0) / docs.length || 1;
  const containing = new Map<string, number>();
  for (const d of docs) for (const word of new Set(d.words)) if (asked.has(word)) containing.set(word, (containing.get(word) ?? 0) + 1);
  return docs
    .map(({ memory, words }) => ({ memory, score: bm25(words, asked, containing, docs.length, averageLength) }))
    .filter((s) => s.score > 0)
    .sort((a, b) => b.score - a.score || a.memory.createdAt - b.memory.createdAt)
    .map(({ memory, score }) => ({ documentId: memory.id, passage: 0, score }));
}

/** The system prompt's paragraph: what the answer is told it knows about the person. */
export function memoryInstructions(memories: readonly UsedMemory[]): string {
  return [
    "What you remember about the person you are talking to (from earlier conversations; use it where it helps, do not recite it):",
    ...memories.map((m) => `- ${m.text.replace(/\s+/g, " ")}`),
  ].join("\n");
}

// BM25's usual constants (Robertson and Zaragoza, 2009).
const K1 = 1.2;
const B = 0.75;

function bm25(
  words: readonly string[],
  asked: ReadonlySet<string>,
  containing: ReadonlyMap<string, number>,
  total: number,
  average: number,
) {
  let score = 0;
  for (const word of asked) {
    const tf = words.filter((w) => w === word).length;
    if (!tf) continue;
    const n = containing.get(word) ?? 0;
    const idf = Math.log(1 + (total - n + 0.5) / (n + 0.5));
    score += (idf * tf * (K1 + 1)) / (tf + K1 * (1 - B + (B * words.length) / average));
  }
  return score;
}

/** A light English stem, so "dogs" finds "dog" and "cooking" finds "cooks": plural and -ing/-ed endings only. */
function stem(word: string): string {
  if (word.length <= 3) return word;
  if (word.endsWith("ies")) return `${word.slice(0, -3)}y`;
  if (word.endsWith("ing") && word.length > 5) return word.slice(0, -3);
  if (word.endsWith("ed") && word.length > 4) return word.slice(0, -2);
  if (word.endsWith("s") && !word.endsWith("ss")) return word.slice(0, -1);
  return word;
}
