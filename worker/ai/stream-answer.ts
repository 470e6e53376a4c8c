import type { Context } from "hono";
import { createUIMessageStreamResponse, streamText, toUIMessageStream, type LanguageModelUsage, type ModelMessage, type ToolSet } from "ai";
import type { AppError } from "../../contract/errors";
import type { AnswerStatus, ChatMessage, MessageMetadata } from "../../contract/messages";
import type { AppEnv } from "../http/app-types";
import { toAppError } from "../http/errors";
import { estimateUsage } from "./estimate-usage";
import { randomId } from "../http/ids";
import { log } from "../http/log";
import { chatModelFor, type AiBackend } from "./seam";
import { guardModelStream } from "./stream-guard";

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
  // Time to first token and the whole answer's time, as the Worker sees them (answer footers show them).
  const startedAt = Date.now();
  let firstTokenAt: number | undefined;
  const timing = () => ({ ...(firstTokenAt !== undefined ? { firstTokenMs: firstTokenAt - startedAt } : {}), durationMs: Date.now() - startedAt });

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
    stream: guardModelStream(result.stream, giveUp),
    originalMessages: request.history,
    generateMessageId: randomId,
    messageMetadata: ({ part }): MessageMetadata | undefined => {
      if (part.type === "text-delta" && firstTokenAt === undefined) firstTokenAt = Date.now();
      if (part.type === "start") return { ...request.metadata, model, createdAt: Date.now() };
      if (part.type === "finish") return { ...request.metadata, model, servedBy: backend.servedBy(), usage: usageOf(part.totalUsage), status: "complete", ...timing() };
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
        usage: responseMessage.metadata?.usage ?? estimateUsage({ instructions: request.instructions, messages: request.modelMessages }, responseMessage),
        status,
        ...timing(),
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

function deferred() {
  let resolve!: () => void;
  const promise = new Promise<void>((r) => (resolve = r));
  return { promise, resolve };
}
