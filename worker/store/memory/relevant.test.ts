import { describe, expect, it } from "vitest";
import { type Memory, MEMORY_LIMITS } from "../../../contract/memory";
import { memoryInstructions, relevantMemories } from "./relevant";

const memory = (text: string, i = 0): Memory => ({ id: `m${i}`, text, createdAt: i, updatedAt: i });

describe("relevantMemories", () => {
  const kept = [memory("Has a dog named Rex.", 1), memory("Prefers metric units.", 2), memory("Is allergic to peanuts.", 3)];

  it("picks the memories that share words with the question, and only those", () => {
    expect(relevantMemories(kept, "What should I feed my dogs?").map((m) => m.text)).toEqual(["Has a dog named Rex."]);
    expect(relevantMemories(kept, "Convert 5 miles to metric please").map((m) => m.text)).toEqual(["Prefers metric units."]);
  });

  it("gives nothing when nothing matches, or the question is only stop words", () => {
    expect(relevantMemories(kept, "Tell me about the French revolution")).toEqual([]);
    expect(relevantMemories(kept, "what is it?")).toEqual([]);
    expect(relevantMemories([], "dog")).toEqual([]);
  });

  it("ranks more shared rare words first and stays within the count and size bounds", () => {
    const many = Array.from({ length: 50 }, (_, i) => memory(`Likes garden ${i} ${"x".repeat(300)}`, i + 10));
    const best = memory("Grows tomatoes in the garden.", 99);
    const chosen = relevantMemories([...many, best], "How do I water tomatoes in my garden?");
    expect(chosen[0].text).toBe(best.text);
    expect(chosen.length).toBeLessThanOrEqual(MEMORY_LIMITS.perAnswer);
    expect(chosen.reduce((n, m) => n + m.text.length, 0)).toBeLessThanOrEqual(MEMORY_LIMITS.promptChars);
  });

  it("writes them as one paragraph of the system prompt, one line each", () => {
    const text = memoryInstructions([{ id: "a", text: "Has a dog\nnamed Rex." }]);
    expect(text).toMatch(/^What you remember about the person/);
    expect(text).toContain("- Has a dog named Rex.");
  });
});
