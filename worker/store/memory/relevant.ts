import { type Memory, MEMORY_LIMITS, type UsedMemory } from "../../../contract/memory";
import { queryWords } from "../../retrieval/document-tables";

/**
 * The memories that matter to a question, best first: at most MEMORY_LIMITS.perAnswer of them and
 * MEMORY_LIMITS.promptChars in all; none when no memory shares a word with the question.
 *
 * Keyword ranking (BM25 over word stems), not the documents' hybrid search: that one embeds the
 * question on every turn (a paid model call, reserved and settled) and needs every memory embedded
 * and kept in a vector index on each add and edit. A person keeps at most 200 memories of 500
 * characters, so ranking them all here costs well under a millisecond and nothing from their budget;
 * the price is that a memory must share a word with the question ("dog" finds "my dog Rex", "pet" does not).
 */
export function relevantMemories(memories: readonly Memory[], question: string): UsedMemory[] {
  const asked = new Set(queryWords(question).map(stem));
  if (!asked.size || !memories.length) return [];
  const docs = memories.map((memory) => ({ memory, words: queryWords(memory.text).map(stem) }));
  const averageLength = docs.reduce((sum, d) => sum + d.words.length, 0) / docs.length || 1;
  const containing = new Map<string, number>();
  for (const d of docs) for (const word of new Set(d.words)) if (asked.has(word)) containing.set(word, (containing.get(word) ?? 0) + 1);

  const scored = docs
    .map(({ memory, words }) => ({ memory, score: bm25(words, asked, containing, docs.length, averageLength) }))
    .filter((s) => s.score > 0)
    .sort((a, b) => b.score - a.score || a.memory.createdAt - b.memory.createdAt);

  const chosen: UsedMemory[] = [];
  let chars = 0;
  for (const { memory } of scored) {
    if (chosen.length === MEMORY_LIMITS.perAnswer) break;
    if (chars + memory.text.length > MEMORY_LIMITS.promptChars) continue;
    chars += memory.text.length;
    chosen.push({ id: memory.id, text: memory.text });
  }
  return chosen;
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
