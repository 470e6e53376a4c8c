import { AppError } from "../../contract/errors";
import { MODEL_SILENCE_LIMITS } from "../ai/stream-guard";
import { toAppError } from "../http/errors";
import { streamErrorEvent } from "./errors";
import { SseReader, type Delta, type Usage } from "./workers-ai-events";

export interface ChunkMeta {
  id: string;
  model: string;
  created: number;
  includeUsage: boolean;
  /** Usage to report when the model reports none (an estimate from what was sent and streamed). */
  estimate: (outputChars: number) => Usage;
}

/** How a streamed answer ended, for recording what it cost. */
export interface StreamOutcome {
  usage: Usage;
  estimated: boolean;
  status: "complete" | "stopped" | "failed";
  failure?: AppError;
}

const encoder = new TextEncoder();

/**
 * Workers AI's SSE answer as OpenAI `chat.completion.chunk` events ending in `data: [DONE]`,
 * translated directly (no AI SDK, no UI message stream): each upstream read becomes one write of
 * the chunks it completes, built by string concatenation around a prebuilt head. A stream that
 * breaks, or ends with neither [DONE] nor a finish reason, ends with an OpenAI error event (the
 * SDKs raise it) and no [DONE], and so does one that goes silent for too long. `onEnd` is called
 * once, however the stream ends.
 */
export function toChunkStream(
  upstream: ReadableStream<Uint8Array>,
  meta: ChunkMeta,
  onEnd: (outcome: StreamOutcome) => void,
): ReadableStream<Uint8Array> {
  const reader = upstream.getReader();
  const decoder = new TextDecoder();
  const sse = new SseReader();
  const writer = new ChunkWriter(meta);
  let controller!: ReadableStreamDefaultController<Uint8Array>;
  let ended = false;
  const end = (status: StreamOutcome["status"], failure?: AppError) => {
    if (ended) return;
    ended = true;
    clearTimeout(timer);
    onEnd({ usage: writer.usage ?? meta.estimate(writer.outputChars), estimated: !writer.usage, status, failure });
  };
  /** Ends the stream with what is pending plus `tail`, once. */
  const close = (tail: string, status: StreamOutcome["status"], failure?: AppError) => {
    if (ended) return;
    controller.enqueue(encoder.encode(writer.take() + tail));
    controller.close();
    end(status, failure);
  };

  // An upstream that goes silent is given up on, as the chat page does (MODEL_SILENCE_LIMITS): one
  // re-arming timer for the whole answer, since a timer per read costs at thousands of reads a second.
  let waitingSince: number | undefined;
  let timer: ReturnType<typeof setTimeout> | undefined;
  const limit = () => (writer.started ? MODEL_SILENCE_LIMITS.betweenOutputMs : MODEL_SILENCE_LIMITS.firstOutputMs);
  const watch = () => {
    timer = undefined;
    if (ended || waitingSince === undefined) return; // re-armed by the next read
    const silentFor = Date.now() - waitingSince;
    if (silentFor < limit()) return void (timer = setTimeout(watch, limit() - silentFor));
    const failure = new AppError("timeout", `The model stopped answering for ${Math.round(limit() / 1000)} s, so the answer was cut off.`);
    close(streamErrorEvent(failure), "failed", failure);
    reader.cancel("model went silent").catch(() => {});
  };

  return new ReadableStream<Uint8Array>({
    start(c) {
      controller = c;
    },
    async pull() {
      // Read until something is written: a read that completes no event must not stall the stream.
      while (!ended) {
        let result: ReadableStreamReadResult<Uint8Array>;
        waitingSince = Date.now();
        timer ??= setTimeout(watch, limit());
        try {
          result = await reader.read();
        } catch (error) {
          const failure = toAppError(error, "upstream");
          return close(streamErrorEvent(failure), "failed", failure);
        } finally {
          waitingSince = undefined;
        }
        if (ended) return; // given up on while the read was pending
        const wasStarted = writer.started;
        if (result.done) sse.end(writer.write);
        else sse.push(decoder.decode(result.value, { stream: true }), writer.write);
        if (sse.done || result.done) {
          if (!result.done) reader.cancel().catch(() => {});
          if (sse.done || writer.finish !== undefined) return close(writer.closing(), "complete");
          const failure = new AppError("upstream", "The model's answer broke off before its end.");
          return close(streamErrorEvent(failure), "failed", failure);
        }
        if (!wasStarted && writer.started) {
          // From the first words on the shorter limit applies: the timer armed with the longer one must not stand.
          clearTimeout(timer);
          timer = undefined;
        }
        const out = writer.take();
        if (out) return controller.enqueue(encoder.encode(out));
      }
    },
    cancel(reason) {
      // The client went away: stop the model (and the spend) too.
      reader.cancel(reason).catch(() => {});
      end("stopped");
    },
  });
}

/** A whole answer (a model that does not stream) as the same chunk events. */
export function chunksOfWhole(delta: Delta, meta: ChunkMeta): string {
  const writer = new ChunkWriter(meta);
  writer.write(delta);
  return writer.take() + writer.closing();
}

/** Builds chunk events as text; everything per chunk but the delta is written once. */
class ChunkWriter {
  private readonly head: string;
  private pending = "";
  private roleSent = false;
  /** Whether any output was written: the silence allowed before it is longer. */
  get started(): boolean {
    return this.roleSent;
  }
  private sawToolCalls = false;
  finish: string | undefined;
  usage: Usage | undefined;
  outputChars = 0;

  constructor(private readonly meta: ChunkMeta) {
    this.head = `data: {"id":${JSON.stringify(meta.id)},"object":"chat.completion.chunk","created":${meta.created},"model":${JSON.stringify(meta.model)},"choices":[`;
  }

  readonly write = (delta: Delta): void => {
    if (delta.usage) this.usage = delta.usage; // the last report wins: some models send running totals
    if (delta.finish) this.finish = delta.finish;
    let fields = "";
    if (delta.content !== undefined) {
      fields += `"content":${JSON.stringify(delta.content)}`;
      this.outputChars += delta.content.length;
    }
    if (delta.reasoning !== undefined) {
      fields += `${fields ? "," : ""}"reasoning_content":${JSON.stringify(delta.reasoning)}`;
      this.outputChars += delta.reasoning.length;
    }
    if (delta.toolCalls) {
      this.sawToolCalls = true;
      const json = JSON.stringify(delta.toolCalls);
      fields += `${fields ? "," : ""}"tool_calls":${json}`;
      this.outputChars += json.length;
    }
    if (!fields) return;
    if (!this.roleSent) {
      fields = `"role":"assistant",${fields}`;
      this.roleSent = true;
    }
    this.pending += `${this.head}{"index":0,"delta":{${fields}},"logprobs":null,"finish_reason":null}]}\n\n`;
  };

  take(): string {
    const out = this.pending;
    this.pending = "";
    return out;
  }

  /** The finish chunk, the usage chunk when asked for, and [DONE]. */
  closing(): string {
    const finish = this.sawToolCalls && (!this.finish || this.finish === "stop") ? "tool_calls" : (this.finish ?? "stop");
    const role = this.roleSent ? "" : `"role":"assistant","content":""`;
    let out = `${this.head}{"index":0,"delta":{${role}},"logprobs":null,"finish_reason":${JSON.stringify(finish)}}]}\n\n`;
    if (this.meta.includeUsage) out += `${this.head}],"usage":${JSON.stringify(this.usage ?? this.meta.estimate(this.outputChars))}}\n\n`;
    return out + "data: [DONE]\n\n";
  }
}
