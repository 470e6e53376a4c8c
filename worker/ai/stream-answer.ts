import type { Context } from "hono";
import { createUIMessageStreamResponse, streamText, toUIMessageStream, type LanguageModelUsage, type ModelMessage, type ToolSet } from "ai";
import { AppError } from "../../contract/errors";
import type { AnswerStatus, ChatMessage, MessageMetadata } from "../../contract/messages";
import type { AppEnv } from "../http/app-types";
import { toAppError } from "../http/errors";
import { randomId } from "../http/ids";
import { log } from "../http/log";
import { chatModelFor, type AiBackend } from "./seam";

export interface AnswerRequest {
  backend: AiBackend;
  model: string;
  /** The UI history the answer continues (its last message is the person's). */
  history: ChatMessage[];
  /** The same history as the model sees it (the vision route adds the image here). */
  modelMessages: ModelMessage[];
  instructions?: string;
  temperature?: number;
  maxTokens?: number;
  /** Extra metadata for the answer, read at its start and end (so it may be filled in meanwhile). */
  metadata?: MessageMetadata;
  /** Persists the answer: complete, or partial and marked stopped or failed. Always called once. */
  save: (answer: ChatMessage) => Promise<void>;
}

/**
 * Streams a model's answer as an AI SDK UI message stream and saves it when the stream ends, however
 * it ends: finished, stopped by the person, abandoned by a closed tab, or broken upstream. The
 * request's abort signal reaches the model call (enable_request_signal), so a Stop stops the spend.
 */
export function streamAnswer(c: Context<AppEnv>, request: AnswerRequest): Response {
  const { backend, model } = request;
  const saved = deferred();
  c.executionCtx.waitUntil(saved.promise);
  let failure: AppError | undefined;
  // Aborts the model call when the person stops (the request's signal) or when the model goes silent.
  const giveUp = new AbortController();

  const result = streamText({
    model: chatModelFor(backend, model),
    instructions: request.instructions?.trim() || undefined,
    messages: request.modelMessages,
    temperature: request.temperature,
    maxOutputTokens: request.maxTokens,
    abortSignal: AbortSignal.any([c.req.raw.signal, giveUp.signal]),
    // The seam retries (withRetries, with jitter and a time bound); a second layer would multiply them.
    maxRetries: 0,
    // Reported once, below, without the request body: errors carry the prompt in requestBodyValues.
    onError: () => {},
  });

  const stream = toUIMessageStream<ToolSet, ChatMessage>({
    stream: surfaceStreamErrors(result.stream, giveUp),
    originalMessages: request.history,
    generateMessageId: randomId,
    messageMetadata: ({ part }): MessageMetadata | undefined => {
      if (part.type === "start") return { ...request.metadata, model, createdAt: Date.now() };
      if (part.type === "finish") return { ...request.metadata, model, servedBy: backend.servedBy(), usage: usageOf(part.totalUsage), status: "complete" };
      return undefined;
    },
    onError: (error) => {
      // The first error is the cause; later calls only echo it back as an Error(errorText).
      if (!failure) {
        // Mid-stream, anything unrecognised came from the model side (a reset connection, bad SSE).
        failure = toAppError(error, "upstream");
        log("answer.error", { model, code: failure.code, workersAiCode: failure.workersAiCode, detail: String(error).slice(0, 300) });
      }
      return failure.message;
    },
    onEnd: async ({ responseMessage, isAborted, isCancelled }) => {
      const status: AnswerStatus = failure ? "failed" : isAborted || isCancelled ? "stopped" : "complete";
      const metadata: MessageMetadata = {
        ...request.metadata,
        ...responseMessage.metadata,
        model,
        servedBy: backend.servedBy(),
        status,
        ...(failure ? { error: failure.message } : {}),
      };
      try {
        await request.save({ ...responseMessage, metadata });
      } finally {
        saved.resolve();
      }
    },
  });

  return createUIMessageStreamResponse({ stream });
}

function usageOf(usage: LanguageModelUsage): MessageMetadata["usage"] {
  return { inputTokens: usage.inputTokens, outputTokens: usage.outputTokens, totalTokens: usage.totalTokens };
}

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
function surfaceStreamErrors<T>(stream: ReadableStream<T>, giveUp: AbortController): ReadableStream<T> {
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

function deferred() {
  let resolve!: () => void;
  const promise = new Promise<void>((r) => (resolve = r));
  return { promise, resolve };
}
