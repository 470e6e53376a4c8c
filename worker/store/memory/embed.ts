import { AppError } from "../../../contract/errors";
import type { Memory } from "../../../contract/memory";
import { DOCUMENT_EMBEDDING_MODEL } from "../../../contract/models";
import { resolveAiBackend } from "../../ai/backend";
import { log } from "../../log";
import { embedPaid } from "../../retrieval/paid-calls";
import type { TurnPayer } from "../answers/turn";
import type { MemoryTable } from "./memory-table";
import type { MemoryVectors } from "./vectors";

/**
 * The documents' embedding model: one embedding of a turn's question then serves the memories'
 * search and the documents' (worker/retrieval/question-vector.ts), paid once.
 */
export const MEMORY_EMBEDDING_MODEL = DOCUMENT_EMBEDDING_MODEL;

/** Memories without a vector embedded with a question, at most: bounds what one turn adds to its spend. */
export const CATCH_UP_PER_TURN = 10;

const KEYWORDS_ONLY = "Until it is, it is found only by questions that share its words; it is embedded again with your next question";
export const NOT_EMBEDDED = {
  budget: `Saved, but today's budget (yours, or the app's) has no room to embed it. ${KEYWORDS_ONLY} once the budget has room (after 00:00 UTC).`,
  failed: `Saved, but the embedding model did not answer, so it is not embedded yet. ${KEYWORDS_ONLY}.`,
} as const;

/**
 * Embeds memories' texts as one paid call (reserved against the payer's budget first, settled at
 * its price, as the documents' embeddings are: worker/retrieval/paid-calls.ts) and keeps each
 * vector, unless its memory changed or went while the model answered (the triggers in ./schema.ts
 * have dropped what described the old text; a vector written now would describe text not kept).
 * Throws what the call threw: the caller keeps the memories either way.
 */
export async function embedMemories(
  env: Env,
  payer: TurnPayer,
  memories: readonly Pick<Memory, "id" | "text">[],
  table: MemoryTable,
  vectors: MemoryVectors,
): Promise<void> {
  if (!memories.length) return;
  const made = await embedPaid(
    env,
    { userId: payer.userId, person: payer.person, address: payer.address },
    resolveAiBackend(env).binding,
    vectors.model,
    memories.map((m) => m.text),
    payer.budgets,
  );
  memories.forEach((memory, i) => {
    if (table.get(memory.id)?.text === memory.text) vectors.put(memory.id, made[i]);
  });
}

/**
 * A memory just added or edited, embedded when a payer is known; when the budget refuses or the
 * model fails, the memory is kept as it is and the sentence says it is found by keywords only for now.
 */
export async function embedWritten(
  env: Env,
  payer: TurnPayer | undefined,
  memory: Memory,
  table: MemoryTable,
  vectors: MemoryVectors,
): Promise<{ memory: Memory; notice?: string }> {
  if (memory.embedded || !payer) return { memory };
  try {
    await embedMemories(env, payer, [memory], table, vectors);
    return { memory: table.get(memory.id) ?? memory };
  } catch (error) {
    const refused = error instanceof AppError && (error.code === "budget_exhausted" || error.code === "person_blocked");
    log("memory.embed_failed", { code: error instanceof AppError ? error.code : "upstream", detail: String(error).slice(0, 200) });
    return { memory, notice: refused ? NOT_EMBEDDED.budget : NOT_EMBEDDED.failed };
  }
}
