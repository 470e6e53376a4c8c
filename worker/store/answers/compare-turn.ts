import { convertToModelMessages } from "ai";
import type { CompareRunning, CompareSlot, CompareStarted } from "../../../contract/compare";
import type { AppError, ErrorBody } from "../../../contract/errors";
import type { ChatSettings } from "../../../contract/api";
import type { ChatMessage } from "../../../contract/messages";
import { CHAT_SETTINGS_LIMITS } from "../../../contract/models";
import { withChatImages, withoutImageParts } from "../../ai/chat-images";
import { toAppError } from "../../http/errors";
import { withPassages } from "../../retrieval/retrieve-passages";
import { IMAGE_INPUT_TOKENS, worstCaseAnswer } from "../../spend/answer-cost";
import { reserve, settle } from "../../spend/spend";
import type { Reservation } from "../../spend/ledger";
import { keepUpload } from "../../vision/save-upload";
import { jsonBytes } from "../storage/byte-budget";
import { Conversations } from "../conversations/feature";
import { parseSettings } from "../conversations/rows";
import type { Person } from "../person";
import { placeNewChat, projectOfNewChat } from "../projects/new-chat";
import type { AnswerRun } from "./answer-run";
import type { AnswerPlan } from "./answers";
import type { CompareRuns } from "./compare-runs";
import { withUnansweredDenied } from "./approvals";
import { chatBackend, knownModel, planAnswer } from "./plan";
import { retrieveForTurn } from "./turn-retrieve";
import { chatTurnImages, type TurnImages } from "./turn-images";
import type { ChatTurn } from "./turn";

/** A compare turn as the Worker validated it: a chat turn's question, asked of each model. */
export interface CompareTurn extends Omit<ChatTurn, "settings" | "documentIds" | "timeZone"> {
  /** 2–3 catalog models (contract/compare.ts), each answer's slot its index here. */
  models: string[];
}

export type CompareStart = CompareStarted | { error: ErrorBody["error"] };

/**
 * A compare turn, start to streams: the chat turn's pipeline (./chat-turn.ts) once for the question,
 * then one plan per model. Each answer reserves its own worst case, in slot order; one refused (the
 * budget ran out after the first) is reported in its slot while the others go on, and the turn is
 * refused only when none could be paid for. The question is saved once, with every run row, in one
 * transaction; each answer is saved under it as a version when it ends and settles its own spend
 * (./save-answer.ts). The first answer saved comes on screen (ConversationTree.saveAnswer); "Keep
 * this one" is switchBranch to another. No tools: an answer's tool loop and approvals are a
 * conversation's, one at a time. A first question is titled as a chat turn's is, from the first
 * answer to end complete. `compares` keeps the turn while it runs, for a page that rejoins it.
 */
export async function startCompareTurn(person: Person, turn: CompareTurn, compares: CompareRuns): Promise<CompareStart> {
  const conversations = person.feature(Conversations);
  const { quotas, budget, env, ctx, answers, runs } = person;
  const models = turn.models.map(knownModel);

  // Check: as a chat turn does; every answer counts against the conversation's size.
  const read = conversations.rows.turnState(turn.conversationId, person.generation);
  // A first question asked side by side in a project's draft makes the conversation in it, as a chat turn's does.
  const project = read.settings === null ? projectOfNewChat(person, turn.projectId) : null;
  const settings: ChatSettings = read.settings !== null ? parseSettings(read.settings) : { ...project?.defaults };
  const resolved = conversations.tree.resolvePath(turn.conversationId, turn.messages);
  const history = [...resolved.stored, ...resolved.fresh];
  quotas.checkConversationCounted(resolved.count + resolved.fresh.length + models.length - 1, read.conversations);
  budget.checkRoom("This message", jsonBytes(resolved.fresh), read.used);

  // Retrieve once for every answer (./turn-retrieve.ts, as a chat turn does).
  const { instructions, passages, metadata: added } = await retrieveForTurn(person, { ...turn, settings, projectId: project?.id }, history);
  const maxTokens = settings.maxTokens ?? CHAT_SETTINGS_LIMITS.maxTokens.default;
  const baseMessages = await convertToModelMessages(withoutImageParts(withUnansweredDenied(history)));

  // Plan: one model call per slot, each with what that model can see, and its own worst case.
  const planned: { plan: AnswerPlan; worst: number; images: TurnImages }[] = [];
  for (const [slot, model] of models.entries()) {
    const images = await chatTurnImages(person, model, turn.payer.userId, history);
    const modelMessages = withPassages(withChatImages(history, baseMessages, images.loaded), passages);
    const metadata = { ...added, ...(passages ? { citations: passages.citations } : {}) };
    const plan = planAnswer("chat", turn.conversationId, chatBackend(env, model, metadata), {
      model,
      history,
      modelMessages,
      instructions,
      temperature: settings.temperature,
      maxTokens,
      reasoningEffort: settings.reasoningEffort,
      metadata,
    });
    const worst = worstCaseAnswer(model, { instructions, messages: modelMessages }, maxTokens, images.loaded.size * IMAGE_INPUT_TOKENS);
    planned.push({ plan: { ...plan, slot }, worst, images });
  }

  // Reserve: each answer its own worst case. A refusal is that answer's alone.
  const slots: CompareSlot[] = [];
  const reserved: { plan: AnswerPlan; reservation: Reservation }[] = [];
  let firstRefusal: AppError | undefined;
  for (const { plan, worst } of planned) {
    try {
      const reservation = await reserve(env, turn.payer, worst, Date.now(), turn.payer.budgets);
      reserved.push({ plan, reservation });
      slots.push({ slot: plan.slot!, model: plan.request.model, messageId: plan.messageId });
    } catch (error) {
      const refusal = toAppError(error);
      if (refusal.code === "internal") throw error;
      firstRefusal ??= refusal;
      slots.push({ slot: plan.slot!, model: plan.request.model, error: refusal.toBody().error });
    }
  }
  if (!reserved.length) throw firstRefusal!;

  // Save the question once and begin every run row, in one transaction; a refusal here releases every reservation.
  let questionId: string;
  try {
    // A new question replaces whatever still runs on the thread (every slot).
    await answers.stopAll("chat", turn.conversationId);
    questionId = ctx.storage.transactionSync(() => {
      // As in the chat turn: what was read holds if nothing was written since, else it is read again.
      const unchanged = conversations.rows.unchangedSince(read, person.generation);
      const state = unchanged ? read : conversations.rows.turnState(turn.conversationId, person.generation);
      const now = unchanged ? resolved : conversations.tree.resolvePath(turn.conversationId, turn.messages);
      quotas.checkConversationCounted(now.count + now.fresh.length + models.length - 1, state.conversations);
      // Titled as a chat turn is (reserved and settled by the title call), from whichever answer ends complete first.
      conversations.titles.turnStarted(
        turn.conversationId,
        history,
        turn.modelTitle ? turn.payer : null,
        () => state.titleBy ?? undefined,
        reserved.length,
      );
      // The conversation's settings are left as they were (a new one in a project starts with the project's):
      // which model it goes on with is the kept answer's choice.
      const created = state.settings === null;
      const parentId = budget.within(
        "This message",
        () => conversations.rows.saveTurn(turn.conversationId, created && project ? settings : {}, now, state),
        state.used,
      );
      if (created && project) placeNewChat(person, turn.conversationId, project.id);
      conversations.images.link(turn.conversationId, planned[0].images.linked);
      const started = Date.now();
      for (const { plan, reservation } of reserved)
        runs.begin("chat", turn.conversationId, plan.messageId, plan.promptChars, reservation.id, started, parentId, plan.slot);
      return parentId;
    });
  } catch (error) {
    await Promise.all(reserved.map(({ reservation }) => settle(env, reservation, 0)));
    throw error;
  }

  // Stream: each answer runs in its own slot; the page listens to each (GET …/compare/:id/stream?slot=n).
  const started = new Map<number, AnswerRun>();
  for (const { plan } of reserved) started.set(plan.slot!, answers.start(plan));
  compares.started(turn.conversationId, questionId, slots, started);
  const pending = planned.find((p) => p.images.pending.length)?.images.pending ?? [];
  for (const image of pending) await keepUpload(env.MEDIA, turn.payer.userId, image.record, image.bytes);
  return { questionId, slots };
}

/** A compare turn refused (bad input, quota, budget) comes back as its error body: RPC would lose its code. */
export async function refusingCompare(start: () => Promise<CompareStart>): Promise<CompareStart> {
  try {
    return await start();
  } catch (error) {
    const appError = toAppError(error);
    if (appError.code === "internal") throw error;
    return { error: appError.toBody().error };
  }
}

/**
 * The conversation's compare turn (./compare-runs.ts): the one that asked `questionId`, or without
 * it the latest still being written; each ended answer as saved.
 */
export function compareTurnOf(person: Person, compares: CompareRuns, conversationId: string, questionId?: string): CompareRunning | null {
  const tree = person.feature(Conversations).tree;
  let saved: Map<string, ChatMessage> | undefined;
  const find = (messageId: string) => {
    // Read once, and only when an answer has ended: the conversation's every message.
    saved ??= new Map(tree.all(conversationId).messages.map(({ message }) => [message.id, message]));
    return saved.get(messageId);
  };
  return compares.turn(conversationId, find, questionId);
}
