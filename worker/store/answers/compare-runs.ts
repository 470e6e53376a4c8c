import type { CompareRunning, CompareSlot } from "../../../contract/compare";
import type { ChatMessage } from "../../../contract/messages";
import type { AnswerRun } from "./answer-run";
import type { Answers } from "./answers";

interface Turn {
  questionId: string;
  slots: CompareSlot[];
  /** The runs of the slots still being written (a run leaves when it ends, or once another runs in its slot). */
  runs: Map<number, AnswerRun>;
}

/** Ended turns kept (a few ids each) for a page whose stream of one of them ended before it asked. */
const KEEP_ENDED = 50;

/**
 * The compare turns of this object's conversations (the latest per conversation), so a page opened
 * or reloaded mid-way shows every answer side by side again, not only slot 0's. In memory, which is
 * enough: answers run only while this object lives (a restart saves them as interrupted). A turn
 * that has ended is kept until the next one on its conversation, at most KEEP_ENDED of them: a page
 * that follows an answer which ended meanwhile (its stream answers 204) still finds it as saved.
 */
export class CompareRuns {
  readonly #turns = new Map<string, Turn>();

  constructor(private readonly answers: Answers) {}

  /** A compare turn started these runs (its slots as POST /api/chat/compare answered them). */
  started(conversationId: string, questionId: string, slots: CompareSlot[], runs: Map<number, AnswerRun>): void {
    const turn: Turn = { questionId, slots, runs };
    // An ended run is let go (it holds its whole answer); the turn keeps its ids only.
    for (const [slot, run] of runs) {
      const ended = () => runs.delete(slot);
      run.done.then(ended, ended);
    }
    this.#turns.delete(conversationId); // re-inserted last: the map's order is the turns' age
    this.#turns.set(conversationId, turn);
    const ended = [...this.#turns].filter(([id, turn]) => !this.#live(id, turn).length);
    for (const [id] of ended.slice(0, Math.max(0, ended.length - KEEP_ENDED))) this.#turns.delete(id);
  }

  /** Whether a compare turn's answers are being written on the conversation (its slot 0 is no chat answer to rejoin). */
  isRunning(conversationId: string): boolean {
    const turn = this.#turns.get(conversationId);
    return !!turn && this.#live(conversationId, turn).length > 0;
  }

  /**
   * The conversation's compare turn: the one asking `questionId`, ended or not; without it, the
   * latest while any of its answers is being written. Each slot as it started, and each that has
   * ended with its answer as saved (`saved` finds it by id). Null when there is none such.
   */
  turn(conversationId: string, saved: (messageId: string) => ChatMessage | undefined, questionId?: string): CompareRunning | null {
    const turn = this.#turns.get(conversationId);
    if (!turn) return null;
    const live = this.#live(conversationId, turn);
    if (questionId === undefined ? !live.length : turn.questionId !== questionId) return null;
    return {
      questionId: turn.questionId,
      slots: turn.slots.map((slot) => {
        if (!("messageId" in slot) || live.includes(slot.slot)) return slot;
        const answer = saved(slot.messageId);
        return answer ? { ...slot, answer } : slot;
      }),
    };
  }

  #live(conversationId: string, turn: Turn): number[] {
    return [...turn.runs].filter(([slot, run]) => this.answers.running("chat", conversationId, slot) === run).map(([slot]) => slot);
  }
}
