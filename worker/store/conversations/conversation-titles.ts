import type { ChatMessage } from "../../../contract/messages";
import { resolveAiBackend } from "../../ai/backend";
import type { TurnPayer } from "../answers/turn";
import { modelTitle } from "./model-title";

/**
 * Who wrote a conversation's title (conversations.title_by): its first words ('words', ./title.ts),
 * the title model ('model'), or the person ('person', a rename, never overwritten).
 */
export type TitleBy = "words" | "model" | "person";

/**
 * Model-written titles: a conversation's first question marks it as wanting one, and its first
 * complete answer, once saved, starts the title call in the background. The first words stay the
 * title until the model's arrives, and for good if it never does.
 */
export class ConversationTitles {
  /** Conversations whose first answer is being written, and who pays for their title. In memory: a restart mid-answer keeps the first words. */
  private readonly wanted = new Map<string, { payer: TurnPayer; question: ChatMessage; answersLeft: number }>();
  private readonly writing = new Map<string, Promise<void>>();

  constructor(
    private readonly ctx: DurableObjectState,
    private readonly env: Env,
  ) {}

  /**
   * A turn is starting: if it asks the conversation's first question and nobody named it yet, its
   * answer will be titled, paid by `payer` (null: model titles are off). A compare turn writes
   * several `answers`: the first of them to end complete is titled.
   */
  turnStarted(
    conversationId: string,
    messages: ChatMessage[],
    payer: TurnPayer | null,
    titleBy: () => TitleBy | undefined = () => this.titleBy(conversationId),
    answers = 1,
  ): void {
    const question = messages.at(-1);
    const first = question?.role === "user" && !messages.some((m) => m.role === "assistant");
    const by = payer && first ? titleBy() : undefined;
    if (payer && first && by !== "model" && by !== "person") this.wanted.set(conversationId, { payer, question, answersLeft: answers });
    else this.wanted.delete(conversationId);
  }

  /** The answer was saved: a first, complete answer with text starts its title call. */
  answerSaved(conversationId: string, answer: ChatMessage): void {
    const wanted = this.wanted.get(conversationId);
    const hasText = answer.parts.some((p) => p.type === "text" && p.text.trim());
    if (!wanted) return;
    if (answer.metadata?.status !== "complete" || !hasText) {
      // A failed or stopped answer names nothing; another of the same compare turn still may.
      if (--wanted.answersLeft <= 0) this.wanted.delete(conversationId);
      return;
    }
    this.wanted.delete(conversationId);
    const job = this.write(conversationId, wanted.payer, wanted.question, answer).finally(() => {
      if (this.writing.get(conversationId) === job) this.writing.delete(conversationId);
    });
    this.writing.set(conversationId, job);
    this.ctx.waitUntil(job);
  }

  /** Resolves once no title is being written for the conversation (the page then shows the newest). */
  async settled(conversationId: string): Promise<void> {
    await this.writing.get(conversationId);
  }

  titleBy(conversationId: string): TitleBy | undefined {
    return this.ctx.storage.sql.exec<{ title_by: TitleBy }>(`SELECT title_by FROM conversations WHERE id = ?`, conversationId).toArray()[0]
      ?.title_by;
  }

  private async write(conversationId: string, payer: TurnPayer, question: ChatMessage, answer: ChatMessage): Promise<void> {
    if (this.titleBy(conversationId) !== "words") return;
    const title = await modelTitle({ env: this.env, binding: resolveAiBackend(this.env).binding, payer }, question, answer);
    if (!title) return;
    // Only over the first words: a rename made while the model was thinking wins.
    this.ctx.storage.sql.exec(
      `UPDATE conversations SET title = ?, title_by = 'model' WHERE id = ? AND title_by = 'words'`,
      title,
      conversationId,
    );
  }
}
