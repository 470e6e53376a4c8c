import { describe, expect, it } from "vitest";
import { parseRunInput } from "./schema";

describe("a text run's input", () => {
  it("keeps a seed it is given, and picks a new one for each call without", () => {
    expect(parseRunInput({ prompt: "Hi", seed: 7 }).request.seed).toBe(7);
    const seeds = Array.from({ length: 5 }, () => parseRunInput({ prompt: "Hi" }).request.seed);
    for (const seed of seeds) expect(Number.isInteger(seed) && seed! >= 0 && seed! < 2 ** 31).toBe(true);
    expect(new Set(seeds).size).toBe(5);
  });
});
