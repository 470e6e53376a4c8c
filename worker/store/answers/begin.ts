import { reserve, settle } from "../../spend/spend";
import type { TurnPayer, TurnStart } from "./turn";
import type { Person } from "../person";
import type { AnswerPlan } from "./answers";

/**
 * Reserves the answer's worst case against the payer's budget (worker/spend/), then saves what the
 * turn saves and begins the run row in one transaction, and starts the model call. A refusal after
 * the reservation releases it: no model was called.
 */
export async function beginAnswer(
  person: Person,
  plan: AnswerPlan,
  payer: TurnPayer,
  worstCase: number,
  saveQuestion: () => string | null | void,
  /** Chunks the asking page already has (an approval's answer so far): its stream starts after them. */
  listenFrom = 0,
): Promise<TurnStart> {
  const { env, ctx, answers, runs } = person;
  const use = { kind: plan.kind, model: plan.request.model };
  const reservation = await reserve(env, { ...payer, use }, worstCase, Date.now(), payer.budgets).catch(async (error) => {
    await plan.cleanup?.();
    throw error;
  });
  if (plan.steps) plan.steps.held = reservation;
  try {
    // A new question replaces whatever still runs on the thread.
    await answers.stopAll(plan.kind, plan.ownerId);
    ctx.storage.transactionSync(() => {
      // The question the answer follows (chat), kept with the run so a restart saves it there too.
      const parentId = saveQuestion() ?? null;
      runs.begin(plan.kind, plan.ownerId, plan.messageId, plan.promptChars, reservation.id, Date.now(), parentId);
    });
  } catch (error) {
    await settle(env, reservation, 0);
    await plan.cleanup?.();
    throw error;
  }
  return { stream: answers.start(plan).listen(listenFrom) };
}
