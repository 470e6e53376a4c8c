import { AppError } from "../../contract/errors";

/**
 * How long the model may stay silent: before its first words (a non-streaming model, such as
 * gpt-oss on /ai/run, sends the whole answer at once, after generating all of it), and between two
 * pieces once it has started. Past that the answer is given up as failed and the call is aborted;
 * an upstream that hangs would otherwise hold the person's page, and the Worker, open forever.
 */
export const MODEL_SILENCE_LIMITS = { firstOutputMs: 120_000, betweenOutputMs: 30_000 };

const BROKE_OFF = "The model's answer broke off before its end. Try again.";

type ModelPart = { type: string; finishReason?: string; rawFinishReason?: string };

/**
 * Turns the ways a model stream can go wrong into error parts, which reach the person as a readable
 * message (with Retry) and get the partial answer saved as failed, instead of ending it silently:
 * - an upstream that breaks mid-answer (connection reset) errors the stream itself;
 * - an upstream that ends without [DONE] or a finish reason (the provider reports finish reason
 *   "error", raw "stream-truncated") would otherwise pass for a complete answer;
 * - an upstream that goes silent (see MODEL_SILENCE_LIMITS) is given up on and its call aborted.
 */
export function guardModelStream<T>(stream: ReadableStream<T>, giveUp: AbortController): ReadableStream<T> {
  const reader = stream.getReader();
  let started = false;
  let done = false;
  // When the pending read of the model began; undefined while none is pending (the reader of this
  // stream is slow, say), which is not the model's silence. One timer watches it for the whole
  // answer and re-arms itself, instead of a timer and a race per piece: at thousands of pieces a
  // second, that per-piece work was a measurable share of the relay's cost (bench:relay-anatomy).
  let waitingSince: number | undefined;
  let timer: ReturnType<typeof setTimeout> | undefined;
  const limit = () => (started ? MODEL_SILENCE_LIMITS.betweenOutputMs : MODEL_SILENCE_LIMITS.firstOutputMs);
  const finish = () => {
    done = true;
    clearTimeout(timer);
    timer = undefined;
  };
  let controller!: ReadableStreamDefaultController<T>;
  const watch = () => {
    timer = undefined;
    if (done) return;
    if (waitingSince === undefined) return; // armed again by the next pull
    const silentFor = Date.now() - waitingSince;
    const allowed = limit();
    if (silentFor < allowed) return void (timer = setTimeout(watch, allowed - silentFor));
    finish();
    const seconds = Math.round(allowed / 1000);
    controller.enqueue({
      type: "error",
      error: new AppError("timeout", `The model stopped answering for ${seconds} s, so the answer was cut off. Try again.`),
    } as T);
    controller.close();
    giveUp.abort(new AppError("timeout"));
    reader.cancel("model went silent").catch(() => {});
  };
  return new ReadableStream<T>({
    start(c) {
      controller = c;
    },
    async pull() {
      if (done) return;
      waitingSince = Date.now();
      timer ??= setTimeout(watch, limit());
      let next: ReadableStreamReadResult<T>;
      try {
        next = await reader.read();
      } catch (error) {
        if (done) return;
        finish();
        // After the first words, a failing read is the upstream connection dropping mid-answer, not
        // an unreachable server.
        controller.enqueue({ type: "error", error: started ? new AppError("upstream", BROKE_OFF) : error } as T);
        controller.close();
        return;
      } finally {
        waitingSince = undefined;
      }
      if (done) return; // given up on while the read was pending
      if (next.done) {
        finish();
        return controller.close();
      }
      const part = next.value as ModelPart;
      if (!started && (part.type === "text-delta" || part.type === "reasoning-delta")) {
        started = true;
        // From now on the shorter limit applies: the timer armed with the first one must not stand.
        clearTimeout(timer);
        timer = undefined;
      }
      if (part.type === "finish-step" && part.finishReason !== "error" && started) {
        // A tool loop's next step starts afresh: the tools run, then a model call that may send
        // its whole answer at once. That wait is a first output's, not silence mid-answer.
        started = false;
        clearTimeout(timer);
        timer = undefined;
      }
      if (part.type === "finish-step" && part.finishReason === "error") {
        finish();
        const truncated = part.rawFinishReason === "stream-truncated";
        const message = truncated ? BROKE_OFF : undefined;
        controller.enqueue({ type: "error", error: new AppError("upstream", message) } as T);
        controller.close();
        reader.cancel("model reported an error").catch(() => {});
        return;
      }
      controller.enqueue(next.value);
    },
    cancel: (reason) => {
      finish();
      return reader.cancel(reason);
    },
  });
}
