import type { CompareRunning, CompareSlot } from "../../../contract/compare";
import type { ChatMessage } from "../../../contract/messages";
import type { AnswerRun } from "./answer-run";
import type { Answers } from "./answers";

interface Turn {
  questionId: string;
  slots: CompareSlot[];
  /** Each started slot's run: a slot whose run is no longer this one ended (or a newer turn replaced it). */
  runs: Map<number, AnswerRun>;
}

/**
 * The compare turn being written on each conversation, so a page opened (or reloaded) mid-way can
 * show every answer side by side again, not only slot 0's. In memory, which is enough: answers run
 * only while this object lives (a restart saves them as interrupted), and a turn is forgotten when
 * its last answer ends, so at most one per conversation with answers running is kept.
 */
export class CompareRuns {
  readonly #turns = new Map<string, Turn>();

  constructor(private readonly answers: Answers) {}

  /** A compare turn started these runs (its slots as POST /api/chat/compare answered them). */
  started(conversationId: string, questionId: string, slots: CompareSlot[], runs: Map<number, AnswerRun>): void {
    const turn: Turn = { questionId, slots, runs };
    this.#turns.set(conversationId, turn);
    const forget = () => {
      if (this.#turns.get(conversationId) === turn && !this.#live(conversationId, turn).length) this.#turns.delete(conversationId);
    };
    for (const run of runs.values()) run.done.then(forget, forget);
  }

  /** Whether a compare turn's answers are being written on the conversation (its slot 0 is no chat answer to rejoin). */
  isRunning(conversationId: string): boolean {
    const turn = this.#turns.get(conversationId);
    return !!turn && this.#live(conversationId, turn).length > 0;
  }

  /**
   * The compare turn still being written on the conversation: each slot as it started, and for
   * each that has ended, its answer as saved (`saved` finds it by id). Null when none runs.
   */
  running(conversationId: string, saved: (messageId: string) => ChatMessage | undefined): CompareRunning | null {
    const turn = this.#turns.get(conversationId);
    if (!turn) return null;
    const live = this.#live(conversationId, turn);
    if (!live.length) return null;
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
