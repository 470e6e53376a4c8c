import {
  getLlama,
  LlamaChat,
  LlamaCompletion,
  LlamaLogLevel,
  resolveChatWrapper,
  type ChatHistoryItem,
  type LlamaContextSequence,
  type LlamaModel,
} from "node-llama-cpp";
import { CODES } from "../errors";
import type { PromptMessage, ChildConfig, FromChild, GenerateRequest, StopReason, ToChild } from "./protocol";

/**
 * The inference child: loads one GGUF and generates one answer at a time. It runs apart from the
 * engine because llama.cpp aborts the whole process on some malformed files.
 */

const MAX_CONTEXT = 4096;

const config = JSON.parse(process.argv[2] ?? "{}") as ChildConfig;
const send = (msg: FromChild) => process.send?.(msg);

interface Generator {
  countPromptTokens(messages: PromptMessage[]): number;
  generate(
    req: GenerateRequest,
    opts: { signal: AbortSignal; onText: (text: string) => void; onTokens: (n: number) => void },
  ): Promise<StopReason>;
}

type GenerateCallbacks = Parameters<Generator["generate"]>[1];

/** The same sampling, abort and streaming options for both kinds of model. */
function generateOptions(req: GenerateRequest, { signal, onText, onTokens }: GenerateCallbacks) {
  return {
    maxTokens: req.maxTokens,
    temperature: req.temperature,
    topP: req.topP,
    seed: req.seed,
    stopOnAbortSignal: true,
    signal,
    onTextChunk: onText,
    onToken: (tokens: readonly unknown[]) => onTokens(tokens.length),
  };
}

/** Models that ship a chat template: rendered with it (or node-llama-cpp's equivalent built-in wrapper). */
function chatTemplateGenerator(model: LlamaModel, sequence: LlamaContextSequence): Generator {
  const chatWrapper = resolveChatWrapper(model) ?? "auto";
  const chat = new LlamaChat({ contextSequence: sequence, chatWrapper });
  const history = (messages: PromptMessage[]): ChatHistoryItem[] => [
    ...messages.map(
      (m): ChatHistoryItem => (m.role === "assistant" ? { type: "model", response: [m.content] } : { type: m.role, text: m.content }),
    ),
    { type: "model", response: [] },
  ];
  return {
    countPromptTokens: (messages) =>
      chat.chatWrapper.generateContextState({ chatHistory: history(messages) }).contextText.tokenize(model.tokenizer).length,
    async generate(req, opts) {
      const res = await chat.generateResponse(history(req.messages), generateOptions(req, opts));
      return res.metadata.stopReason;
    },
  };
}

/**
 * Base models without a chat template (stories260K) only continue text, and role labels make them
 * echo "User:" lines, so the conversation becomes its texts joined by blank lines.
 */
function plainTextGenerator(model: LlamaModel, sequence: LlamaContextSequence): Generator {
  const completion = new LlamaCompletion({ contextSequence: sequence });
  const text = (messages: PromptMessage[]) => messages.map((m) => m.content).join("\n\n");
  return {
    countPromptTokens: (messages) => model.tokenize(text(messages)).length + 1,
    async generate(req, opts) {
      const res = await completion.generateCompletionWithMeta(text(req.messages), generateOptions(req, opts));
      return res.metadata.stopReason;
    },
  };
}

async function load() {
  const llama = await getLlama({ gpu: false, build: "never", logLevel: LlamaLogLevel.error });
  const model = await llama.loadModel({ modelPath: config.modelPath });
  const context = await model.createContext({
    threads: config.threads,
    contextSize: Math.min(model.trainContextSize, MAX_CONTEXT),
  });
  const hasTemplate = typeof model.fileInfo.metadata.tokenizer?.chat_template === "string";
  const sequence = context.getSequence();
  const generator = hasTemplate ? chatTemplateGenerator(model, sequence) : plainTextGenerator(model, sequence);
  return { generator, contextSize: context.contextSize, promptFormat: hasTemplate ? "chat-template" : "plain-text" } as const;
}

async function run(generator: Generator, contextSize: number, id: number, req: GenerateRequest, signal: AbortSignal) {
  const promptTokens = generator.countPromptTokens(req.messages);
  if (promptTokens + req.maxTokens > contextSize) {
    return send({
      type: "error",
      id,
      code: CODES.contextWindow,
      status: 400,
      message: `The estimated number of input and maximum output tokens (${promptTokens + req.maxTokens}) exceeded this model context window limit (${contextSize}).`,
    });
  }
  send({ type: "start", id, promptTokens });
  let completionTokens = 0;
  // Pieces go out on setImmediate, never held for a later one: by then node-llama-cpp has already
  // dispatched the next token's decode to the thread pool, so the IPC send overlaps that work
  // instead of delaying it (sending inside onText was slower: bench/README.md). Pieces produced in
  // the same turn of the event loop share a message.
  let pending: string[] = [];
  let scheduled = false;
  const flush = () => {
    scheduled = false;
    if (!pending.length) return;
    send({ type: "tokens", id, texts: pending });
    pending = [];
  };
  let stopReason: StopReason;
  try {
    stopReason = await generator.generate(req, {
      signal,
      onText: (text) => {
        if (!text) return;
        pending.push(text);
        if (!scheduled) (scheduled = true), setImmediate(flush);
      },
      onTokens: (n) => (completionTokens += n),
    });
  } finally {
    flush();
  }
  send({
    type: "done",
    id,
    stopReason,
    usage: { prompt_tokens: promptTokens, completion_tokens: completionTokens, total_tokens: promptTokens + completionTokens },
  });
}

async function main() {
  // The parent going away (even by SIGKILL) closes the channel: nothing is left to answer.
  process.on("disconnect", () => process.exit(0));
  let loaded: Awaited<ReturnType<typeof load>>;
  try {
    loaded = await load();
  } catch (err) {
    process.send?.({ type: "load-error", message: (err as Error).message } satisfies FromChild, () => process.exit(1));
    return;
  }
  const aborts = new Map<number, AbortController>();
  let queue: Promise<unknown> = Promise.resolve();
  process.on("message", (msg: ToChild) => {
    if (msg.type === "abort") return aborts.get(msg.id)?.abort();
    const controller = new AbortController();
    aborts.set(msg.id, controller);
    queue = queue
      .then(() => run(loaded.generator, loaded.contextSize, msg.id, msg.request, controller.signal))
      .catch((err: Error) => send({ type: "error", id: msg.id, code: CODES.modelProcessFailed, status: 500, message: err.message }))
      .finally(() => aborts.delete(msg.id));
  });
  send({ type: "ready", contextSize: loaded.contextSize, promptFormat: loaded.promptFormat });
}

void main();
