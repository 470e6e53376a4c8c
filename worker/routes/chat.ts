import { Hono } from "hono";
import { convertToModelMessages, createUIMessageStreamResponse, streamText, toUIMessageStream, type LanguageModelUsage, type ToolSet } from "ai";
import { chatRequestSchema, type ChatSettings } from "../../contract/api";
import { AppError } from "../../contract/errors";
import type { AnswerStatus, ChatMessage, MessageMetadata } from "../../contract/messages";
import { DEFAULT_CHAT_MODEL, findChatModel } from "../../contract/models";
import { chatModelFor, resolveAiBackend } from "../ai/seam";
import type { AppEnv } from "../http/app-types";
import { toAppError } from "../http/errors";
import { randomId } from "../http/ids";
import { log } from "../http/log";
import { readJson } from "../http/validate";
import { userStore } from "../store/stub";

/**
 * POST /api/chat: the AI SDK UI message protocol. Validate, save the user's message, stream the
 * answer, and save it when it ends — complete, or marked partial when stopped, failed or abandoned.
 */
export const chat = new Hono<AppEnv>().post("/", async (c) => {
  const body = await readJson(c, chatRequestSchema);
  const messages = body.messages as ChatMessage[];
  const store = userStore(c);

  const stored = await store.getConversation(body.id);
  const settings: ChatSettings = { ...stored?.conversation.settings, ...pickSettings(body) };
  const model = settings.model ?? DEFAULT_CHAT_MODEL;
  if (!findChatModel(model)) throw new AppError("unknown_model", `There is no chat model called ${model}. Pick one from the list.`);
  if (messages.at(-1)?.role !== "user") throw new AppError("bad_request", "The last message must be the person's message.");

  await store.saveHistory(body.id, settings, messages);

  const backend = resolveAiBackend(c.env);
  const saved = deferred();
  c.executionCtx.waitUntil(saved.promise);
  let failure: AppError | undefined;

  const result = streamText({
    model: chatModelFor(backend, c.env, model),
    instructions: settings.system?.trim() || undefined,
    messages: await convertToModelMessages(messages),
    temperature: settings.temperature,
    maxOutputTokens: settings.maxTokens,
    abortSignal: c.req.raw.signal,
    // Reported once, below, without the request body: errors carry the prompt in requestBodyValues.
    onError: () => {},
  });

  const stream = toUIMessageStream<ToolSet, ChatMessage>({
    stream: surfaceStreamErrors(result.stream),
    originalMessages: messages,
    generateMessageId: randomId,
    messageMetadata: ({ part }): MessageMetadata | undefined => {
      if (part.type === "start") return { model, createdAt: Date.now() };
      if (part.type === "finish") return { model, servedBy: backend.servedBy(), usage: usageOf(part.totalUsage), status: "complete" };
      return undefined;
    },
    onError: (error) => {
      // The first error is the cause; later calls only echo it back as an Error(errorText).
      if (!failure) {
        // Mid-stream, anything unrecognised came from the model side (a reset connection, bad SSE).
        failure = toAppError(error, "upstream");
        log("chat.error", { code: failure.code, workersAiCode: failure.workersAiCode, detail: String(error).slice(0, 300) });
      }
      return failure.message;
    },
    onEnd: async ({ responseMessage, isAborted, isCancelled }) => {
      const status: AnswerStatus = failure ? "failed" : isAborted || isCancelled ? "stopped" : "complete";
      const metadata: MessageMetadata = { ...responseMessage.metadata, model, servedBy: backend.servedBy(), status, ...(failure ? { error: failure.message } : {}) };
      try {
        await store.saveAnswer(body.id, { ...responseMessage, metadata });
      } finally {
        saved.resolve();
      }
    },
  });

  return createUIMessageStreamResponse({ stream });
});

/** Only the settings this request names: an omitted one keeps the conversation's stored value. */
function pickSettings({ model, system, temperature, maxTokens }: ChatSettings): ChatSettings {
  return Object.fromEntries(Object.entries({ model, system, temperature, maxTokens }).filter(([, v]) => v !== undefined));
}

function usageOf(usage: LanguageModelUsage): MessageMetadata["usage"] {
  return { inputTokens: usage.inputTokens, outputTokens: usage.outputTokens, totalTokens: usage.totalTokens };
}

/**
 * An upstream that breaks mid-answer (connection reset) errors the model stream itself, which would
 * tear down the response without a word. Turned into an error part instead, it reaches the person
 * as a readable message and the partial answer is saved as failed.
 */
function surfaceStreamErrors<T>(stream: ReadableStream<T>): ReadableStream<T> {
  const reader = stream.getReader();
  return new ReadableStream<T>({
    async pull(controller) {
      try {
        const { done, value } = await reader.read();
        if (done) controller.close();
        else controller.enqueue(value);
      } catch (error) {
        controller.enqueue({ type: "error", error } as T);
        controller.close();
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

