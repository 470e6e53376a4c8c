import { RERANKER_MODEL, RERANKER_PRICE } from "../../contract/models";
import { tokenCost } from "../../contract/pricing";
import type { AiBinding } from "../ai/binding";
import { rerankTokens } from "../spend/estimate";
import { budgetsOf, reserve, settle, type Budgets, type Payer } from "../spend/spend";
import { embeddingNeurons, embedTexts } from "./embed";

/**
 * One priced model call of the documents feature, like a chat answer: its cost at the catalog's
 * price is reserved against the payer's daily budget and the deployment's before the model runs (a
 * refusal is the ledger's 429 `budget_exhausted`, and the model is not called), and settled after.
 * The BGE embedding models and the reranker report no usage, so the estimate is both the worst case
 * and the charge. A call that fails keeps its reservation until 00:00 UTC, as /v1 does: the model
 * may have run and been billed.
 */
async function paidCall<T>(
  env: Env,
  payer: Payer,
  neurons: number,
  budgets: Budgets,
  call: () => Promise<T>,
  charged: (result: T) => number = () => neurons,
): Promise<T> {
  const reservation = await reserve(env, payer, neurons, Date.now(), budgets);
  const result = await call();
  await settle(env, reservation, charged(result));
  return result;
}

/** Embeds texts as one paid call. Callers pass at most one batch (`EMBED_BATCH` texts), so a budget stops work between batches. */
export function embedPaid(
  env: Env,
  payer: Payer,
  binding: AiBinding,
  model: string,
  texts: string[],
  budgets: Budgets = budgetsOf(env),
): Promise<number[][]> {
  return paidCall(env, { ...payer, use: { kind: "documents", model } }, embeddingNeurons(model, texts), budgets, () =>
    embedTexts(binding, model, texts),
  );
}

/**
 * What one reranker call costs: the cross-encoder reads the question beside each passage, so every
 * pair is input, counted at its most (worker/spend/estimate.ts: a token a byte); it has no output tokens.
 */
export function rerankNeurons(question: string, texts: readonly string[]): number {
  return tokenCost(RERANKER_PRICE, rerankTokens(question, texts), 0);
}

/**
 * A reranker call, reserved like the embedding before it. `call` answers the scores, or undefined
 * when the reranker gave none (the local engine has no reranker; Workers AI answered an error): that
 * is settled at zero, since such an answer comes instead of any scoring, and the passages keep their
 * fused order. At worst this undercounts one failed call of about a neuron.
 */
export async function rerankPaid(
  env: Env,
  payer: Payer,
  question: string,
  texts: readonly string[],
  call: () => Promise<number[] | undefined>,
  budgets: Budgets = budgetsOf(env),
): Promise<number[] | undefined> {
  if (!texts.length) return undefined; // nothing to score, nothing to pay for
  const neurons = rerankNeurons(question, texts);
  return paidCall(env, { ...payer, use: { kind: "documents", model: RERANKER_MODEL } }, neurons, budgets, call, (scores) =>
    scores ? neurons : 0,
  );
}
