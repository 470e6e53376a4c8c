import { servedLocally } from "../../../contract/answer-cost";
import type { ChatMessage } from "../../../contract/messages";
import { answerCost, withCost } from "../../spend/answer-cost";
import { settle } from "../../spend/spend";
import type { ThreadKind } from "./turn";
import { Conversations } from "../conversations/feature";
import type { Person } from "../person";
import { Vision } from "../vision/feature";
import type { StepSpend } from "./step-spend";

/**
 * The one place an answer is saved: by its run when it ends, or by recovery after a restart. Its
 * cost is saved with it and settled against the reservation its run row names.
 */
export function saveAnswer(
  person: Person,
  kind: ThreadKind,
  ownerId: string,
  message: ChatMessage,
  steps?: StepSpend,
  slot = 0,
): ChatMessage {
  const { ctx, env, runs } = person;
  const conversations = person.feature(Conversations);
  const model = message.metadata?.model;
  const cost = model ? answerCost(model, message, servedLocally(message.metadata?.servedBy)) : { neurons: 0, estimated: true };
  // A continued answer already paid for its first part (settled then): the saved cost is the sum.
  const earlier = message.metadata?.cost;
  const saved = withCost(
    message,
    earlier ? { neurons: earlier.neurons + cost.neurons, estimated: earlier.estimated || cost.estimated } : cost,
  );
  const reservationId = ctx.storage.transactionSync(() => {
    if (kind === "chat") conversations.tree.saveAnswer(ownerId, saved, runs.parentOf(kind, ownerId, slot));
    else person.feature(Vision).rows.log.saveAnswer(ownerId, saved);
    return runs.end(kind, ownerId, slot);
  });
  // A tool loop settled its earlier steps as it went: what is left is the last step's.
  const due = steps ? steps.unsettledCost(cost.neurons) : cost.neurons;
  if (reservationId) ctx.waitUntil(settle(env, { id: reservationId, neurons: 0 }, due));
  if (kind === "chat") conversations.titles.answerSaved(ownerId, saved);
  return saved;
}
