import { DOCUMENT_EMBEDDING_MODEL } from "../../contract/models";
import { resolveAiBackend } from "../ai/backend";
import { budgetsOf, type Budgets, type Payer } from "../spend/spend";
import { embedPaid } from "./paid-calls";

/** A turn's question as a vector: made by the first caller, the same promise for every later one. */
export type QuestionVector = () => Promise<number[]>;

/**
 * The question's embedding for one chat turn, paid once however many features search with it (the
 * person's memories, then the conversation's documents: both use DOCUMENT_EMBEDDING_MODEL, so one
 * vector serves both). Nothing is called or reserved until a feature asks. A refusal (the budget's
 * `budget_exhausted`) or a failure is the same rejected promise for every caller, so each decides
 * as it did alone: memories fall back to keywords, documents refuse the turn on a budget refusal.
 */
export function questionVector(env: Env, payer: Payer & { budgets?: Budgets }, question: string): QuestionVector {
  let made: Promise<number[]> | undefined;
  return () =>
    (made ??= embedPaid(
      env,
      { userId: payer.userId, person: payer.person, address: payer.address },
      resolveAiBackend(env).binding,
      DOCUMENT_EMBEDDING_MODEL,
      [question],
      payer.budgets ?? budgetsOf(env),
    ).then(([vector]) => vector));
}
