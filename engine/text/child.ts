import {
  getLlama,
  LlamaChat,
  LlamaCompletion,
  LlamaLogLevel,
  resolveChatWrapper,
  type ChatHistoryItem,
  type Llama,
  type LlamaChatResponseChunk,
  type LlamaContextSequence,
  type LlamaModel,
} from "node-llama-cpp";
import { CODES } from "../errors";
import { chatHistory, forcedCallInstructions, withSystemText } from "./chat-history";
import type { ChildConfig, FromChild, GenerateRequest, GeneratedToolCall, PromptMessage, StopReason, ToChild } from "./protocol";
import { forcedCallSchema, GrammarCache, parseForcedCall, toolMode } from "./tool-calls";

/**
 * The inference child: loads one GGUF and generates one answer at a time. It runs apart from the
 * engine because llama.cpp aborts the whole process on some malformed files.
 */

const MAX_CONTEXT = 4096;

const config = JSON.parse(process.argv[2] ?? "{}") as ChildConfig;
const send = (msg: FromChild) => process.send?.(msg);

interface GenerateResult {
  stopReason: StopReason;
  /** The calls the model made (stop reason "functionCalls"). */
  toolCalls?: GeneratedToolCall[];
}

interface Generator {
  countPromptTokens(req: GenerateRequest): number;
  generate(req: GenerateRequest, opts: GenerateCallbacks): Promise<GenerateResult>;
}

interface GenerateCallbacks {
  signal: AbortSignal;
  onText: (text: string) => void;
  onReasoning: (text: string) => void;
  onTokens: (n: number) => void;
}

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

/**
 * Thought segments (models whose chat wrapper knows their think blocks: Qwen3, DeepSeek R1, ...)
 * stream as reasoning; `onTextChunk` and `onToken` see only the answer itself.
 */
function reasoningChunks({ onReasoning, onTokens }: GenerateCallbacks) {
  return (chunk: LlamaChatResponseChunk) => {
    if (chunk.type !== "segment") return;
    onTokens(chunk.tokens.length);
    if (chunk.segmentType === "thought" && chunk.text) onReasoning(chunk.text);
  };
}

/** Models that ship a chat template: rendered with it (or node-llama-cpp's equivalent built-in wrapper). */
function chatTemplateGenerator(llama: Llama, model: LlamaModel, sequence: LlamaContextSequence): Generator {
  const chatWrapper = resolveChatWrapper(model) ?? "auto";
  const chat = new LlamaChat({ contextSequence: sequence, chatWrapper });
  const grammars = new GrammarCache(llama);
  /** The history the model sees: the forced-call instructions join the system prompt. */
  const history = (req: GenerateRequest): ChatHistoryItem[] => {
    const mode = toolMode(req);
    const items = chatHistory(req.messages);
    return mode.kind === "forced" ? withSystemText(items, forcedCallInstructions(mode.tools)) : items;
  };
  return {
    countPromptTokens(req) {
      const mode = toolMode(req);
      const availableFunctions = mode.kind === "auto" ? mode.functions : undefined;
      const state = chat.chatWrapper.generateContextState({ chatHistory: history(req), availableFunctions, documentFunctionParams: true });
      return state.contextText.tokenize(model.tokenizer).length;
    },
    async generate(req, opts) {
      const mode = toolMode(req);
      const options = { ...generateOptions(req, opts), onResponseChunk: reasoningChunks(opts) };
      if (mode.kind === "auto") {
        const res = await chat.generateResponse(history(req), { ...options, functions: mode.functions, documentFunctionParams: true });
        const toolCalls = res.functionCalls?.map((call) => ({ name: call.functionName, arguments: JSON.stringify(call.params ?? {}) }));
        return { stopReason: res.metadata.stopReason, ...(toolCalls?.length ? { toolCalls } : {}) };
      }
      if (mode.kind === "forced") {
        const grammar = await grammars.get(forcedCallSchema(mode.tools));
        // The answer is the call's JSON, not text to show: it goes out as a tool call once whole.
        const res = await chat.generateResponse(history(req), { ...options, onTextChunk: undefined, grammar });
        return forcedResult(res.response, res.metadata.stopReason, opts);
      }
      const res = await chat.generateResponse(history(req), options);
      return { stopReason: res.metadata.stopReason };
    },
  };
}

/** A forced answer as its call; one cut off (max_tokens, Stop) is handed on as the text it is. */
function forcedResult(text: string, stopReason: StopReason, opts: GenerateCallbacks): GenerateResult {
  const call = stopReason === "eogToken" || stopReason === "stopGenerationTrigger" ? parseForcedCall(text) : undefined;
  if (call) return { stopReason: "functionCalls", toolCalls: [call] };
  if (text) opts.onText(text);
  return { stopReason };
}

/**
 * Base models without a chat template (stories260K) only continue text, and role labels make them
 * echo "User:" lines, so the conversation becomes its texts joined by blank lines. They cannot
 * choose to call a function, but a forced call still works through the JSON grammar.
 */
function plainTextGenerator(llama: Llama, model: LlamaModel, sequence: LlamaContextSequence): Generator {
  const completion = new LlamaCompletion({ contextSequence: sequence });
  const grammars = new GrammarCache(llama);
  const text = (req: GenerateRequest) => {
    const mode = toolMode(req);
    const parts = req.messages.map(plainText);
    return (mode.kind === "forced" ? [forcedCallInstructions(mode.tools), ...parts] : parts).join("\n\n");
  };
  return {
    countPromptTokens: (req) => model.tokenize(text(req)).length + 1,
    async generate(req, opts) {
      const mode = toolMode(req);
      if (mode.kind === "forced") {
        const grammar = await grammars.get(forcedCallSchema(mode.tools));
        const res = await completion.generateCompletionWithMeta(text(req), {
          ...generateOptions(req, opts),
          onTextChunk: undefined,
          grammar,
        });
        return forcedResult(res.response, res.metadata.stopReason, opts);
      }
      const res = await completion.generateCompletionWithMeta(text(req), generateOptions(req, opts));
      return { stopReason: res.metadata.stopReason };
    },
  };
}

function plainText(message: PromptMessage): string {
  if (message.role !== "assistant" || !message.toolCalls?.length) return message.content;
  return [message.content, ...message.toolCalls.map((call) => JSON.stringify({ name: call.name, arguments: call.arguments }))]
    .filter(Boolean)
    .join("\n");
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
  const generator = hasTemplate ? chatTemplateGenerator(llama, model, sequence) : plainTextGenerator(llama, model, sequence);
  return { generator, contextSize: context.contextSize, promptFormat: hasTemplate ? "chat-template" : "plain-text" } as const;
}

async function run(generator: Generator, contextSize: number, id: number, req: GenerateRequest, signal: AbortSignal) {
  const promptTokens = generator.countPromptTokens(req);
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
  // the same turn of the event loop share a message; reasoning and text pieces keep their order.
  let pending: string[] = [];
  let pendingKind: "tokens" | "reasoning" = "tokens";
  let scheduled = false;
  const flush = () => {
    scheduled = false;
    if (!pending.length) return;
    send({ type: pendingKind, id, texts: pending });
    pending = [];
  };
  const queue = (kind: "tokens" | "reasoning", text: string) => {
    if (!text) return;
    if (kind !== pendingKind) flush();
    pendingKind = kind;
    pending.push(text);
    if (!scheduled) (scheduled = true), setImmediate(flush);
  };
  let result: GenerateResult;
  try {
    result = await generator.generate(req, {
      signal,
      onText: (text) => queue("tokens", text),
      onReasoning: (text) => queue("reasoning", text),
      onTokens: (n) => (completionTokens += n),
    });
  } finally {
    flush();
  }
  if (result.toolCalls?.length) send({ type: "toolCalls", id, calls: result.toolCalls });
  send({
    type: "done",
    id,
    stopReason: result.stopReason,
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
