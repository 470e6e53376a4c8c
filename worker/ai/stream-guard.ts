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
  return new ReadableStream<T>({
    async pull(controller) {
      let timer: ReturnType<typeof setTimeout> | undefined;
      const limit = started ? MODEL_SILENCE_LIMITS.betweenOutputMs : MODEL_SILENCE_LIMITS.firstOutputMs;
      const silence = new Promise<"silent">((resolve) => (timer = setTimeout(() => resolve("silent"), limit)));
      try {
        const next = await Promise.race([reader.read(), silence]);
        if (next === "silent") {
          const seconds = Math.round(limit / 1000);
          controller.enqueue({ type: "error", error: new AppError("timeout", `The model stopped answering for ${seconds} s, so the answer was cut off. Try again.`) } as T);
          controller.close();
          giveUp.abort(new AppError("timeout"));
          reader.cancel("model went silent").catch(() => {});
          return;
        }
        if (next.done) return controller.close();
        const part = next.value as ModelPart;
        if (part.type === "text-delta" || part.type === "reasoning-delta") started = true;
        if (part.type === "finish-step" && part.finishReason === "error") {
          const truncated = part.rawFinishReason === "stream-truncated";
          const message = truncated ? BROKE_OFF : undefined;
          controller.enqueue({ type: "error", error: new AppError("upstream", message) } as T);
          controller.close();
          reader.cancel("model reported an error").catch(() => {});
          return;
        }
        controller.enqueue(next.value);
      } catch (error) {
        // After the first words, a failing read is the upstream connection dropping mid-answer, not
        // an unreachable server.
        controller.enqueue({ type: "error", error: started ? new AppError("upstream", BROKE_OFF) : error } as T);
        controller.close();
      } finally {
        clearTimeout(timer);
      }
    },
    cancel: (reason) => reader.cancel(reason),
  });
}
