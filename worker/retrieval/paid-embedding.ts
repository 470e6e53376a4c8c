import type { AiBinding } from "../ai/backend";
import { budgetsOf, reserve, settle, type Budgets, type Payer } from "../spend/spend";
import { embeddingNeurons, embedTexts } from "./embed";

/**
 * Embeds texts as one priced model call, like a chat answer: the call's cost at the catalog's price
 * is reserved against the payer's daily budget and the deployment's before the model runs (a
 * refusal is the ledger's 429 `budget_exhausted`, and the model is not called), and settled after.
 * BGE models report no usage, so the estimate is both the worst case and the charge. A call that
 * fails keeps its reservation until 00:00 UTC, as /v1 does: the model may have run and been billed.
 * Callers pass at most one batch (`EMBED_BATCH` texts), so a budget stops work between batches.
 */
export async function embedPaid(
  env: Env,
  payer: Payer,
  binding: AiBinding,
  model: string,
  texts: string[],
  budgets: Budgets = budgetsOf(env),
): Promise<number[][]> {
  const neurons = embeddingNeurons(model, texts);
  const reservation = await reserve(env, payer, neurons, Date.now(), budgets);
  const vectors = await embedTexts(binding, model, texts);
  await settle(env, reservation, neurons);
  return vectors;
}
