import type { MessageMetadata } from "../../../contract/messages";
import type { Person } from "../person";
import { Memories } from "./feature";
import { memoryInstructions, relevantMemories } from "./relevant";

/**
 * Memory's part of a chat turn (worker/store/answers/turn-context.ts): with memory on, the memories
 * that share words with the question join the system prompt, and the answer records which ones (its
 * "Used N memories"). Memory off, or nothing relevant: nothing is added. (Typed by its shape, not
 * by turn-context's TurnContributor: that file lists this one, and the two must not import each other.)
 */
export function memoryContributor(
  person: Person,
  turn: { question: string },
): { instructions: string; metadata: Partial<MessageMetadata> } | null {
  const table = person.feature(Memories).table;
  if (!table.enabled()) return null;
  const used = relevantMemories(table.list(), turn.question);
  if (!used.length) return null;
  return { instructions: memoryInstructions(used), metadata: { memories: used } };
}
