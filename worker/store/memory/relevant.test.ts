import { describe, expect, it } from "vitest";
import { AppError } from "../../../contract/errors";
import { type Memory, MEMORY_LIMITS } from "../../../contract/memory";
import { meaningEmbedding } from "../../test/meaning-embeddings";
import { memoryInstructions, type MemoryVectorSearch, relevantMemories } from "./relevant";

const memory = (text: string, i = 0): Memory => ({ id: `m${i}`, text, createdAt: i, updatedAt: i, embedded: true });

// The vectors come from a TEST DOUBLE that knows what a few words mean (worker/test/meaning-embeddings.ts).
const meaning = (text: string) => meaningEmbedding(text, 64);

/** The vector side over `memories`, as the store's MemoryVectors answers it (cosine, best first). */
function vectorsOf(memories: Memory[], embedQuestion: MemoryVectorSearch["embedQuestion"]): MemoryVectorSearch {
  const cos = (a: number[], b: number[]) => {
    const dot = a.reduce((n, x, i) => n + x * b[i], 0);
    return dot / (Math.hypot(...a) * Math.hypot(...b) || 1);
  };
  return {
    embedQuestion,
    nearest: (vector, topK) =>
      memories
        .map((m) => ({ memoryId: m.id, score: cos(meaning(m.text), vector) }))
        .sort((a, b) => b.score - a.score)
        .slice(0, topK),
  };
}

describe("relevantMemories", () => {
  const kept = [memory("Has a dog named Rex.", 1), memory("Prefers metric units.", 2), memory("Is allergic to peanuts.", 3)];

  it("picks the memories that share words with the question, and only those", async () => {
    expect((await relevantMemories(kept, "What should I feed my dogs?")).map((m) => m.text)).toEqual(["Has a dog named Rex."]);
    expect((await relevantMemories(kept, "Convert 5 miles to metric please")).map((m) => m.text)).toEqual(["Prefers metric units."]);
  });

  it("gives nothing when nothing matches, or the question is only stop words", async () => {
    expect(await relevantMemories(kept, "Tell me about the French revolution")).toEqual([]);
    expect(await relevantMemories(kept, "what is it?")).toEqual([]);
    expect(await relevantMemories([], "dog")).toEqual([]);
  });

  it("finds a memory close in meaning that shares no word with the question, and not an unrelated one", async () => {
    const question = "Which treats suit a puppy?";
    const vectors = vectorsOf(kept, async () => meaning(question));
    // No word in common: keywords alone find nothing.
    expect(await relevantMemories(kept, question)).toEqual([]);
    expect((await relevantMemories(kept, question, vectors)).map((m) => m.text)).toEqual(["Has a dog named Rex."]);
  });

  it("falls back to keywords when the budget refuses the question's embedding (or the model fails)", async () => {
    const refused = vectorsOf(kept, async () => {
      throw new AppError("budget_exhausted", "Today's budget is spent.");
    });
    expect((await relevantMemories(kept, "What should I feed my dogs?", refused)).map((m) => m.text)).toEqual(["Has a dog named Rex."]);
    expect(await relevantMemories(kept, "Which treats suit a puppy?", refused)).toEqual([]);
    const failed = vectorsOf(kept, () => Promise.reject(new Error("AiError: 3040: Capacity temporarily exceeded")));
    expect((await relevantMemories(kept, "Convert to metric", failed)).map((m) => m.text)).toEqual(["Prefers metric units."]);
  });

  it("fuses both lists: a memory found by words and by meaning ranks above one found by either alone", async () => {
    const memories = [memory("Eats lunch at noon.", 1), memory("Has a puppy named Rex.", 2), memory("Cooks food for the dog.", 3)];
    const question = "What food does my dog like?";
    const chosen = await relevantMemories(
      memories,
      question,
      vectorsOf(memories, async () => meaning(question)),
    );
    expect(chosen[0].text).toBe("Cooks food for the dog.");
  });

  it("ranks more shared rare words first and stays within the count and size bounds", async () => {
    const many = Array.from({ length: 50 }, (_, i) => memory(`Likes garden ${i} ${"x".repeat(300)}`, i + 10));
    const best = memory("Grows tomatoes in the garden.", 99);
    const all = [...many, best];
    const question = "How do I water tomatoes in my garden?";
    for (const vectors of [undefined, vectorsOf(all, async () => meaning(question))]) {
      const chosen = await relevantMemories(all, question, vectors);
      expect(chosen[0].text).toBe(best.text);
      expect(chosen.length).toBeLessThanOrEqual(MEMORY_LIMITS.perAnswer);
      expect(chosen.reduce((n, m) => n + m.text.length, 0)).toBeLessThanOrEqual(MEMORY_LIMITS.promptChars);
    }
  });

  it("writes them as one paragraph of the system prompt, one line each", () => {
    const text = memoryInstructions([{ id: "a", text: "Has a dog\nnamed Rex." }]);
    expect(text).toMatch(/^What you remember about the person/);
    expect(text).toContain("- Has a dog named Rex.");
  });
});
