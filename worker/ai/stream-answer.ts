import {
  stepCountIs,
  streamText,
  toUIMessageStream,
  type LanguageModelUsage,
  type ModelMessage,
  type StepResult,
  type ToolApprovalStatus,
  type ToolSet,
  type UIMessageChunk,
} from "ai";
import type { AppError } from "../../contract/errors";
import type { ChatMessage, MessageMetadata, MessageUsage } from "../../contract/messages";
import type { ReasoningEffort } from "../../contract/tools";
import { log } from "../log";
import { modelFailure } from "./model-errors";
import { chatModelFor, type AiBackend } from "./backend";
import { reasoningEffortFor } from "./reasoning-effort";
import { ReasoningClock } from "./reasoning-clock";
import { guardModelStream } from "./stream-guard";

export interface AnswerRequest {
  backend: AiBackend;
  model: string;
  /** The UI history the answer continues: when its last message is an assistant's, the answer carries on that message. */
  history: ChatMessage[];
  /** The same history as the model sees it (the vision route adds the image here). */
  modelMessages: ModelMessage[];
  /** The new answer's id (ignored when the history ends with an assistant message). */
  messageId: string;
  instructions?: string;
  temperature?: number;
  maxTokens?: number;
  /** The conversation's setting; sent only to models that take one (reasoning-effort.ts). */
  reasoningEffort?: ReasoningEffort;
  /** Extra metadata for the answer, read when it starts (a vision licence note is filled in before). */
  metadata?: MessageMetadata;
  /** Stop: aborts the model call. */
  signal: AbortSignal;
  /** Tools the model may call (worker/tools/registry.ts); absent: a plain answer, and nothing tool-related is built. */
  toolLoop?: ToolLoop;
}

/** The tool loop of one answer: every step after the first is a model call of its own, paid for before it is made. */
export interface ToolLoop {
  tools: ToolSet;
  toolApproval: Record<string, ToolApprovalStatus>;
  /** Model calls at most (stopWhen stepCountIs). */
  maxSteps: number;
  /**
   * Before step `stepNumber` (1 for the second model call) is made, with the messages the steps so far
   * added to the prompt: reserves its worst case. False ends the loop there, the answer kept as it is.
   */
  beforeStep(stepNumber: number, added: ModelMessage[]): Promise<boolean>;
  /** After each step, with what that model call used (its settlement). */
  afterStep(usage: MessageUsage): void;
}

/** What the model call left behind once its chunks have ended. */
export interface AnswerOutcome {
  failure?: AppError;
  /** As the model reported it; absent when the answer ended early (the caller estimates then). */
  usage?: MessageUsage;
  /** Time to first token and the whole call's time, as the Worker sees them (answer footers show them). */
  timing?: { firstTokenMs?: number; durationMs: number; reasoningMs?: number };
}

/**
 * One model answer as AI SDK UI message chunks, with the ways it can go wrong turned into an outcome
 * instead of thrown: the caller (the Durable Object's answer run) reads the chunks to their end,
 * then decides how the answer ended. The stream ends without a `finish` chunk: that, with the final
 * metadata, is the caller's to send.
 */
export function streamAnswer(request: AnswerRequest): { chunks: ReadableStream<UIMessageChunk>; outcome: () => AnswerOutcome } {
  const { backend, model } = request;
  const outcome: AnswerOutcome = {};
  // Aborts the model call when the model goes silent (stream-guard.ts); Stop comes in through request.signal.
  const giveUp = new AbortController();
  // Time to first token and the whole answer's time, as the Worker sees them (answer footers show them).
  const startedAt = Date.now();
  let firstTokenAt: number | undefined;
  const thinking = new ReasoningClock();
  const timing = () => {
    const reasoningMs = thinking.ms;
    return {
      ...(firstTokenAt !== undefined ? { firstTokenMs: firstTokenAt - startedAt } : {}),
      durationMs: Date.now() - startedAt,
      // Also here, not only in the stream: an answer stopped mid-thought has no step end to close it.
      ...(reasoningMs !== undefined ? { reasoningMs } : {}),
    };
  };

  const result = streamText({
    model: chatModelFor(backend, model),
    instructions: request.instructions?.trim() || undefined,
    messages: request.modelMessages,
    temperature: request.temperature,
    maxOutputTokens: request.maxTokens,
    reasoning: reasoningEffortFor(model, request.reasoningEffort),
    abortSignal: AbortSignal.any([request.signal, giveUp.signal]),
    // The model backend retries (withRetries, with jitter and a time bound); a second layer would multiply them.
    maxRetries: 0,
    // Reported once, below, without the request body: errors carry the prompt in requestBodyValues.
    onError: () => {},
    // No telemetry integration is registered, but the SDK still builds a dispatcher and, per call,
    // copies the event and probes node:diagnostics_channel for a listener (about 0.13 ms of the
    // turn's CPU before the model call, bench:relay-profile). Off, it builds nothing.
    telemetry: { isEnabled: false },
    // Spread only when tools are on: any of these makes the SDK collect every step's content.
    ...(request.toolLoop ? loopOptions(request.toolLoop) : {}),
  });

  // A tool's error is the tool's (its part's errorText, which the model reads too), not the answer's.
  const toolErrors = new Set<unknown>();
  const guarded = guardModelStream(result.stream, giveUp);
  const chunks = toUIMessageStream<ToolSet, ChatMessage>({
    stream: request.toolLoop ? noteToolErrors(guarded, toolErrors) : guarded,
    originalMessages: request.history,
    generateMessageId: () => request.messageId,
    sendFinish: false,
    messageMetadata: ({ part }): MessageMetadata | undefined => {
      if (part.type === "text-delta" && firstTokenAt === undefined) firstTokenAt = Date.now();
      // Sent as soon as the thinking ends, so the page says "Thought for N s" while the answer streams.
      if (thinking.observe(part.type)) return { reasoningMs: thinking.ms };
      if (part.type === "start") return { ...request.metadata, model, createdAt: Date.now() };
      if (part.type === "finish") outcome.usage = usageOf(part.totalUsage);
      return undefined;
    },
    onError: (error) => {
      if (toolErrors.has(error)) return error instanceof Error ? error.message : String(error);
      // The first error is the cause; later calls only echo it back as an Error(errorText).
      if (!outcome.failure) {
        // Mid-stream, anything unrecognised came from the model side (a reset connection, bad SSE).
        outcome.failure = modelFailure(error);
        log("answer.error", {
          model,
          code: outcome.failure.code,
          workersAiCode: outcome.failure.workersAiCode,
          detail: String(error).slice(0, 300),
        });
      }
      return outcome.failure.message;
    },
  });
  return { chunks, outcome: () => ({ ...outcome, timing: timing() }) };
}

/**
 * The loop's options for streamText. The next step is paid for in the stop condition, the last
 * moment before its model call where the loop can still end cleanly (a refusal in prepareStep could
 * only fail the answer or make the call anyway); the SDK asks it only when a step's tool calls all
 * have results, so a step that ends with text, or waiting for approval, reserves nothing.
 */
function loopOptions(loop: ToolLoop) {
  const withinSteps = stepCountIs(loop.maxSteps);
  return {
    tools: loop.tools,
    toolApproval: loop.toolApproval,
    stopWhen: async ({ steps }: { steps: StepResult<ToolSet>[] }) =>
      (await withinSteps({ steps })) ||
      !(await loop.beforeStep(
        steps.length,
        steps.flatMap((step) => step.response.messages),
      )),
    onStepFinish: (step: StepResult<ToolSet>) => loop.afterStep(usageOf(step.usage)),
  };
}

/** Remembers the errors of tool calls (the SDK's `tool-error` parts), which toUIMessageStream hands to onError like any other. */
function noteToolErrors<T extends { type: string }>(stream: ReadableStream<T>, errors: Set<unknown>): ReadableStream<T> {
  return stream.pipeThrough(
    new TransformStream<T, T>({
      transform(part, controller) {
        if (part.type === "tool-error") errors.add((part as T & { error: unknown }).error);
        controller.enqueue(part);
      },
    }),
  );
}

function usageOf(usage: LanguageModelUsage): MessageUsage {
  return { inputTokens: usage.inputTokens, outputTokens: usage.outputTokens, totalTokens: usage.totalTokens };
}
