import type { MessageMetadata } from "../../../contract/messages";
import { log } from "../../log";
import { questionVector, type QuestionVector } from "../../retrieval/question-vector";
import type { TurnPayer } from "../answers/turn";
import type { Person } from "../person";
import { CATCH_UP_PER_TURN, embedMemories } from "./embed";
import { Memories } from "./feature";
import { memoryInstructions, relevantMemories } from "./relevant";

/**
 * Memory's part of a chat turn (worker/store/answers/turn-context.ts): with memory on, the memories
 * that match the question by words or by meaning join the system prompt, and the answer records
 * which ones (its "Used N memories"). Memory off, no memories, or nothing relevant: nothing is
 * added, and the question is not embedded for memory's sake. (Typed by its shape, not by
 * turn-context's TurnContributor: that file lists this one, and the two must not import each other.)
 */
export async function memoryContributor(
  person: Person,
  turn: { question: string; payer: TurnPayer; questionVector?: QuestionVector },
): Promise<{ instructions: string; metadata: Partial<MessageMetadata> } | null> {
  const memories = person.feature(Memories);
  if (!memories.table.enabled()) return null;
  const kept = memories.table.list();
  if (!kept.length) return null;
  const embedQuestion = turn.questionVector ?? questionVector(person.env, turn.payer, turn.question);
  const used = await relevantMemories(kept, turn.question, {
    embedQuestion,
    nearest: async (vector, topK) => {
      // The question could be embedded, so the budget has room: memories not embedded yet (the
      // budget refused them when written, the remember tool or an import added them) are embedded
      // now, a few a turn, so they are found by meaning from this question on.
      const missing = memories.vectors.missing(CATCH_UP_PER_TURN);
      if (missing.length)
        await embedMemories(person.env, turn.payer, missing, memories.table, memories.vectors).catch((error: unknown) =>
          log("memory.catch_up_failed", { memories: missing.length, detail: String(error).slice(0, 200) }),
        );
      return memories.vectors.nearest(vector, topK);
    },
  });
  if (!used.length) return null;
  return { instructions: memoryInstructions(used), metadata: { memories: used } };
}
