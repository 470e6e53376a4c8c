/**
 * How long a model thought before it answered, as the Worker sees the stream (the answer shows
 * "Thought for N s"). A span opens at the first reasoning delta and closes at the first thing that
 * is not reasoning: text, a tool call, or the step's end; an answer's spans (one per step of a tool
 * loop) add up.
 *
 * Reasoning that arrives whole (gpt-oss does not stream on /ai/run: the answer comes at once) spans
 * no time between its first delta and what follows it, though the model did think: it thought while
 * nothing was sent. For such a span the time from the step's start (the model call) to the
 * reasoning's arrival is counted instead. In workerd the clock moves only across I/O, so "whole"
 * means "no read from the network between the reasoning and what closed it".
 */
export class ReasoningClock {
  private stepStartedAt: number;
  private openedAt: number | undefined;
  private total = 0;
  private seen = false;

  constructor(private readonly now: () => number = Date.now) {
    this.stepStartedAt = now();
  }

  /** Feeds one part of the model's stream; returns true when this part closed a span (the total changed). */
  observe(type: string): boolean {
    switch (type) {
      case "start-step":
        this.stepStartedAt = this.now();
        return false;
      case "reasoning-start":
      case "reasoning-delta":
        if (this.openedAt === undefined) this.openedAt = this.now();
        this.seen = true;
        return false;
      case "reasoning-end":
        // Reasoning can end and resume within a step; only an answer (or the step's end) ends the thinking.
        return false;
      case "text-delta":
      case "tool-input-start":
      case "tool-call":
      case "finish-step":
        return this.close();
      default:
        return false;
    }
  }

  /** Milliseconds of thinking so far (an open span counts up to now); undefined when the model sent no reasoning. */
  get ms(): number | undefined {
    if (!this.seen) return undefined;
    return this.total + (this.openedAt === undefined ? 0 : this.spanUntil(this.now()));
  }

  private close(): boolean {
    if (this.openedAt === undefined) return false;
    this.total += this.spanUntil(this.now());
    this.openedAt = undefined;
    return true;
  }

  private spanUntil(end: number): number {
    const opened = this.openedAt as number;
    return end > opened ? end - opened : Math.max(0, opened - this.stepStartedAt);
  }
}
