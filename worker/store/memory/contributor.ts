import type { TurnContributor } from "../answers/turn-context";
import { Memories } from "./feature";
import { memoryInstructions, relevantMemories } from "./relevant";

/**
 * Memory's part of a chat turn (worker/store/answers/turn-context.ts): with memory on, the memories
 * that share words with the question join the system prompt, and the answer records which ones (its
 * "Used N memories"). Memory off, or nothing relevant: nothing is added.
 */
export const memoryContributor: TurnContributor = (person, turn) => {
  const table = person.feature(Memories).table;
  if (!table.enabled()) return null;
  const used = relevantMemories(table.list(), turn.question);
  if (!used.length) return null;
  return { instructions: memoryInstructions(used), metadata: { memories: used } };
};
