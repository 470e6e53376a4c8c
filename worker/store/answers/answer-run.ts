import type { UIMessageChunk } from "ai";
import type { AnswerStatus, ChatMessage, MessageMetadata, MessageUsage } from "../../../contract/messages";
import type { AnswerOutcome } from "../../ai/stream-answer";
import { toAppError } from "../../http/errors";
import { log } from "../../log";
import { assembleAnswer } from "./assemble";

/**
 * Chunks are written to SQLite in batches: a row per `chunks` chunks, or after `ms`, whichever comes
 * first. They matter only if the object dies mid-answer (the text so far is kept); a write per
 * token would cost more than the relay itself.
 */
export const RECORD_BATCH = { chunks: 64, ms: 50 };

/**
 * A model that sends its answer faster than it is read (a non-streaming model sends all of it at
 * once) fills the reads here from memory, and the loop would run to the answer's end without giving
 * the event loop a turn: nothing would reach a listener, nor would the asking request get its
 * response, until then. So the loop yields every this many chunks (one timer; nothing per token).
 */
const YIELD_EVERY = 32;

const encoder = new TextEncoder();

export interface AnswerRunHooks {
  /** Writes one batch of chunks (JSON each). */
  record(seq: number, jsonChunks: string[]): void;
  /** Saves the finished answer, however it ended (and settles its spend): called exactly once. Returns it as saved (with its cost). */
  finish(message: ChatMessage): ChatMessage | void;
  /** Metadata known only at the end: who served it, a note filled in meanwhile. */
  endMetadata(): MessageMetadata;
  /** Usage to count when the model reported none (the answer ended early). */
  estimateUsage(answer: ChatMessage): MessageUsage;
}

/**
 * One answer being written in the person's Durable Object. It reads the model's chunks to their end
 * whether or not anyone is listening (a closed tab is not a Stop), records them in batches, and
 * hands each to every listener: the request that asked, and any page that rejoined through
 * `GET …/stream`, which first gets everything so far, then the rest live. How the answer ended is
 * decided here, once, and sent as the last metadata of the stream before it is saved.
 */
export class AnswerRun {
  private readonly chunks: UIMessageChunk[] = [];
  private readonly json: string[] = [];
  private readonly listeners = new Set<Listener>();
  private recorded = 0;
  private rows = 0;
  private timer: ReturnType<typeof setTimeout> | undefined;
  private ended = false;
  private readonly stopper = new AbortController();
  /** Resolves with the saved answer. */
  readonly done: Promise<ChatMessage>;

  constructor(
    private readonly messageId: string,
    private readonly hooks: AnswerRunHooks,
    source: (signal: AbortSignal) => { chunks: ReadableStream<UIMessageChunk>; outcome: () => AnswerOutcome },
    /** What the answer already has (Continue): replayed first, so a listener sees the whole answer. */
    prefix: UIMessageChunk[] = [],
  ) {
    for (const chunk of prefix) this.push(chunk);
    this.done = this.run(source);
  }

  /** Stop: ends the model call; the answer is saved as stopped. */
  stop(): Promise<ChatMessage> {
    this.stopper.abort();
    return this.done;
  }

  /** How many streams are listening now (none, once every tab that asked or rejoined has gone). */
  get listening(): number {
    return this.listeners.size;
  }

  /**
   * A new listener: everything so far, then the rest as it comes, then the end. `from` skips the
   * first chunks: the page that sent an approval already has the answer so far (its prefix).
   */
  listen(from = 0): ReadableStream<Uint8Array> {
    const listener = new Listener();
    return new ReadableStream<Uint8Array>(
      {
        start: (controller) => {
          listener.controller = controller;
          if (this.json.length > from) listener.send(this.json.slice(from).map(sse).join(""));
          if (this.ended) listener.end();
          else this.listeners.add(listener);
        },
        pull: () => listener.pulled(),
        // A listener going away (a closed tab, a lost connection) leaves the answer running.
        cancel: () => void this.listeners.delete(listener),
      },
      // Nothing is queued ahead of a read: what arrives meanwhile is merged into the next one.
      { highWaterMark: 0 },
    );
  }

  private async run(
    source: (signal: AbortSignal) => { chunks: ReadableStream<UIMessageChunk>; outcome: () => AnswerOutcome },
  ): Promise<ChatMessage> {
    let broke: unknown;
    let outcome: AnswerOutcome = {};
    try {
      const answer = source(this.stopper.signal);
      const reader = answer.chunks.getReader();
      for (let n = 1; ; n++) {
        const { done, value } = await reader.read();
        if (done) break;
        // The end is this run's to send (below), with how the answer ended.
        if (value.type === "error" || value.type === "abort" || value.type === "finish") continue;
        this.push(value);
        if (n % YIELD_EVERY === 0) await new Promise((resolve) => setTimeout(resolve, 0));
      }
      outcome = answer.outcome();
    } catch (error) {
      broke = error;
    }
    return this.end(outcome, broke);
  }

  private end(outcome: AnswerOutcome, broke: unknown): ChatMessage {
    clearTimeout(this.timer);
    const stopped = this.stopper.signal.aborted;
    const failure = stopped ? undefined : (outcome.failure ?? (broke === undefined ? undefined : toAppError(broke, "upstream")));
    const status: AnswerStatus = stopped ? "stopped" : failure ? "failed" : "complete";
    const assembled = assembleAnswer(this.chunks, this.messageId);
    const metadata: MessageMetadata = {
      ...assembled.metadata,
      ...this.hooks.endMetadata(),
      usage: outcome.usage ?? this.hooks.estimateUsage(assembled),
      status,
      ...outcome.timing,
      ...(failure ? { error: failure.message } : {}),
    };
    let message: ChatMessage = { ...assembled, metadata };
    try {
      message = this.hooks.finish(message) ?? message;
    } catch (error) {
      log("answer.save_failed", { detail: String(error).slice(0, 300) });
    }
    this.push({ type: "message-metadata", messageMetadata: message.metadata ?? metadata }, false);
    this.push(failure ? { type: "error", errorText: failure.message } : { type: "finish" }, false);
    this.ended = true;
    for (const listener of this.listeners) listener.end();
    this.listeners.clear();
    return message;
  }

  private push(chunk: UIMessageChunk, record = true): void {
    const json = JSON.stringify(chunk);
    this.chunks.push(chunk);
    this.json.push(json);
    if (this.listeners.size) {
      const line = sse(json);
      for (const listener of this.listeners) listener.send(line);
    }
    if (!record) return;
    if (this.json.length - this.recorded >= RECORD_BATCH.chunks) this.record();
    else this.timer ??= setTimeout(() => this.record(), RECORD_BATCH.ms);
  }

  private record(): void {
    clearTimeout(this.timer);
    this.timer = undefined;
    if (this.ended || this.recorded === this.json.length) return;
    try {
      this.hooks.record(this.rows++, this.json.slice(this.recorded));
      this.recorded = this.json.length;
    } catch (error) {
      log("answer.record_failed", { detail: String(error).slice(0, 300) });
    }
  }
}

/**
 * One listener's stream. Each piece is handed over when the reader asks for more; pieces that
 * arrive before it asks are merged into one. A reader that keeps up gets every chunk as it comes;
 * one that falls behind (a slow network, a busy isolate) gets fewer, larger writes instead of a
 * queue of thousands of tiny ones, each of which costs a crossing from the Durable Object.
 */
class Listener {
  controller!: ReadableStreamDefaultController<Uint8Array>;
  private pending: string[] = [];
  private asked = false;
  private ended = false;

  send(text: string): void {
    if (this.asked) {
      this.asked = false;
      this.enqueue(text);
    } else this.pending.push(text);
  }

  pulled(): void {
    if (this.pending.length) {
      const text = this.pending.join("");
      this.pending = [];
      this.enqueue(text);
      if (this.ended) this.close();
    } else this.asked = true;
  }

  end(): void {
    this.ended = true;
    this.pending.push("data: [DONE]\n\n");
    if (this.asked) this.pulled();
  }

  private enqueue(text: string): void {
    try {
      this.controller.enqueue(encoder.encode(text));
    } catch {
      // Already gone (cancelled): the run goes on without it.
    }
  }

  private close(): void {
    try {
      this.controller.close();
    } catch {
      // Already gone.
    }
  }
}

function sse(json: string): string {
  return `data: ${json}\n\n`;
}
