import type { ChatMessage } from "../../../contract/messages";
import { withRequestId } from "../../log";
import type { ChatTurn, ThreadKind, TurnPayer, TurnStart, VisionTurn } from "./turn";
import type { Person } from "../person";
import { approveTurn } from "./approve-turn";
import { startChatTurn } from "./chat-turn";
import type { CompareRunning } from "../../../contract/compare";
import { CompareRuns } from "./compare-runs";
import { compareTurnOf, refusingCompare, startCompareTurn, type CompareStart, type CompareTurn } from "./compare-turn";
import { continueAnswer } from "./continue-turn";
import { refusing } from "./plan";
import { saveAnswer } from "./save-answer";
import { ANSWER_TABLES } from "./schema";
import { startVisionTurn } from "./vision-turn";

/**
 * Answers: start one (chat or vision), carry on an interrupted one or one waiting for tool
 * approvals, rejoin or stop the one running. The model call runs in this object, not the request,
 * so an answer outlives the tab that asked. Each turn is one pipeline in its own module.
 */
export class AnswerTurns {
  static readonly tables = ANSWER_TABLES;
  /** The compare turns being written (in memory: ./compare-runs.ts). */
  readonly #compares: CompareRuns;

  constructor(private readonly person: Person) {
    this.#compares = new CompareRuns(person.answers);
    person.savesAnswers((kind, ownerId, message, steps, slot) => saveAnswer(person, kind, ownerId, message, steps, slot));
  }

  startChatTurn(turn: ChatTurn): Promise<TurnStart> {
    return withRequestId(turn.requestId, () => refusing(() => startChatTurn(this.person, turn)));
  }

  /** The person's decisions on an answer's tool approvals: that answer carries on (the last message is the answer). */
  approveTurn(turn: ChatTurn): Promise<TurnStart> {
    return withRequestId(turn.requestId, () => refusing(() => approveTurn(this.person, turn)));
  }

  startVisionTurn(turn: VisionTurn): Promise<TurnStart> {
    return withRequestId(turn.requestId, () => refusing(() => startVisionTurn(this.person, turn)));
  }

  continueAnswer(kind: ThreadKind, ownerId: string, payer: TurnPayer, requestId?: string): Promise<TurnStart> {
    return withRequestId(requestId, () => refusing(() => continueAnswer(this.person, kind, ownerId, payer)));
  }

  /**
   * Asks 2–3 models the same question at once (./compare-turn.ts): the question is saved once, each
   * answer runs in its own slot and is saved as a version of the answer to it.
   */
  startCompareTurn(turn: CompareTurn): Promise<CompareStart> {
    return withRequestId(turn.requestId, () => refusingCompare(() => startCompareTurn(this.person, turn, this.#compares)));
  }

  /**
   * The conversation's compare turn, each ended answer as saved: the one that asked `questionId`,
   * or without it the latest while any of its answers runs. Null when there is none such.
   */
  compareTurn(conversationId: string, questionId?: string): CompareRunning | null {
    return compareTurnOf(this.person, this.#compares, conversationId, questionId);
  }

  /** Whether an answer (any slot) is being written on the thread right now. */
  isAnswering(kind: ThreadKind, ownerId: string): boolean {
    return this.person.answers.runningSlots(kind, ownerId).length > 0;
  }

  /**
   * A running answer's stream, replayed from its start; null when none runs. With no slot named, the
   * thread's answer: null while a compare turn runs, whose answers are rejoined side by side, each
   * by its slot (GET /api/chat/compare/:id), not as the chat's one answer.
   */
  answerStream(kind: ThreadKind, ownerId: string, slot?: number): ReadableStream<Uint8Array> | null {
    if (slot === undefined && kind === "chat" && this.#compares.isRunning(ownerId)) return null;
    return this.person.answers.running(kind, ownerId, slot ?? 0)?.listen() ?? null;
  }

  /** Stops the running answers (every slot, or the one named) and returns the last saved; null when none runs. */
  stopAnswer(kind: ThreadKind, ownerId: string, slot?: number): Promise<ChatMessage | null> {
    return this.person.answers.stopAll(kind, ownerId, slot);
  }
}
