/**
 * TEST DOUBLE: a fake Workers AI REST server for fault injection, load and render benchmarks. It
 * speaks the contract (`POST {base}/run/{model}`, SSE in either of Workers AI's formats, error
 * envelopes) and misbehaves on request. The answer comes from the current script, which a test sets
 * through `PUT /__script`; a prompt containing `fault=<name>` overrides the fault for that call only,
 * so concurrent callers need no shared state.
 *
 * Tools and reasoning (issue 23): a script with `toolCalls` answers a chat call whose prompt holds
 * no tool result after the last user message with those tool calls (finish reason tool_calls), and
 * answers `text` once it does, so one script drives a whole tool loop. `reasoning` streams as
 * `reasoning_content` deltas before each answer. The last chat request (and those since the script
 * was set) can be read back (`GET /__last-request`, `GET /__requests`) to assert what the model was
 * given: its tools, tool_choice and messages.
 */
import { randomUUID } from "node:crypto";
import { createServer, type ServerResponse } from "node:http";
import type { AddressInfo } from "node:net";
import { TITLE_INSTRUCTIONS, TITLE_MODEL } from "../../contract/titles";
import { fakeEmbeddingAnswer, fakeRerankAnswer } from "../../worker/test/recorded-embeddings";

export type Fault =
  | "none"
  | "before-first-byte" // HTTP 500 envelope before any token
  | "capacity" // 3040, HTTP 429
  | "mid-stream" // socket destroyed after half the tokens
  | "no-done" // stream ends cleanly but without [DONE] or a finish reason
  | "malformed" // garbage SSE lines between good ones
  | "hang" // headers, one token, then nothing until the client gives up
  | "drip"; // one token every `dripMs`

export interface Script {
  /** Text to stream; split into small pieces like a tokenizer would. */
  text?: string;
  /** Without text: this many generated tokens ("w0 w1 ..."). */
  tokens?: number;
  format?: "legacy" | "openai";
  fault?: Fault;
  /** Tokens per second for normal streaming (0 = as fast as possible). */
  tokensPerSecond?: number;
  dripMs?: number;
  /** Prompt tokens the usage report claims (default 10): a large number spends a budget in one call. */
  promptTokens?: number;
  /**
   * Answer like a model that read the documents block: quote passage 1 with its marker, or say the
   * documents do not cover it when the prompt has no passages. For the documents browser test.
   */
  citePassages?: boolean;
  /**
   * What the title model answers (worker/store/conversations/model-title.ts). Unset, a title call is refused
   * (not retried), so conversations keep their first words as titles.
   */
  title?: string;
  /** A PNG (base64) the image models answer with instead of a 3×2 one: for `npm run screenshots`. */
  imagePng?: string;
  /**
   * Tool calls the model makes while the prompt holds no tool result after the last user message;
   * once it does (the loop sent the results back), the call streams `text` as usual.
   */
  toolCalls?: ScriptedToolCall[];
  /**
   * Workers AI's two tool-call shapes: "openai" (default) streams `choices[0].delta.tool_calls`
   * pieces merged by `index`, with finish reason tool_calls; "native" the top-level
   * `{response: "", tool_calls: [{name, arguments}]}` of the older models.
   */
  toolFormat?: "openai" | "native";
  /** Streamed as `choices[0].delta.reasoning_content` pieces before the answer (text or tool calls). */
  reasoning?: string;
  /** What the transcription models (Whisper, Nova-3) hear in any audio (issue 26); unset, an empty transcript. */
  transcript?: string;
  /** How long a transcription or speech call takes before it answers, in ms (for the voice bench). */
  audioDelayMs?: number;
}

export interface ScriptedToolCall {
  name: string;
  arguments: Record<string, unknown>;
}

/** A chat call as the fake received it: what tests assert the model was given. */
export interface RecordedRequest {
  model: string;
  inputs: {
    messages?: { role: string; content: unknown; tool_calls?: unknown; tool_call_id?: string; name?: string }[];
    tools?: unknown[];
    tool_choice?: unknown;
    [key: string]: unknown;
  };
}

export interface FakeWorkersAi {
  url: string;
  setScript(script: Script): void;
  calls: number;
  /** Streaming answers whose connection is still open: a caller that gave up has closed its own. */
  open: number;
  close(): Promise<void>;
}

/**
 * Extra control routes (`/__...`) a launcher adds, e.g. restarting the app; answers true when it
 * handled the request.
 */
export type ControlHandler = (method: string, path: string, res: ServerResponse) => Promise<boolean>;

const DEFAULT: Script = { tokens: 50, format: "legacy", fault: "none", tokensPerSecond: 0 };

export async function startFakeWorkersAi(port = 0, control?: ControlHandler): Promise<FakeWorkersAi> {
  let script: Script = DEFAULT;
  const state = { calls: 0, open: 0 };
  // Chat calls since the script was last set (capped: a load bench makes thousands).
  let requests: RecordedRequest[] = [];
  const server = createServer(async (req, res) => {
    const chunks: Buffer[] = [];
    for await (const chunk of req) chunks.push(chunk as Buffer);
    const body = Buffer.concat(chunks).toString("utf8");
    if (req.method === "PUT" && req.url === "/__script") {
      script = { ...DEFAULT, ...(JSON.parse(body) as Script) };
      requests = [];
      return res.writeHead(204).end();
    }
    if (req.method === "GET" && req.url === "/__last-request") return json(res, 200, requests.at(-1) ?? null);
    if (req.method === "GET" && req.url === "/__requests") return json(res, 200, requests);
    // What tests read back: calls so far and streams still open (`open` must fall to 0 once the
    // Worker gives up on a hung or stopped answer).
    if (req.method === "GET" && req.url === "/__stats") return json(res, 200, { calls: state.calls, open: state.open });
    if (req.url?.startsWith("/__") && control && (await control(req.method ?? "GET", req.url, res))) return;
    if (req.method === "GET" && req.url === "/local/status") return json(res, 200, { ready: true, textModel: "fake-workers-ai" });
    if (req.method !== "POST" || !/\/ai\/run\//.test(req.url ?? "")) return json(res, 404, envelope(7000, "No route for that URI"));
    // Embedding and reranker models answer JSON in Workers AI's envelope (the same double the Worker tests use).
    const model = decodeURIComponent(/\/ai\/run\/([^?]+)/.exec(req.url ?? "")?.[1] ?? "");
    // Speech models (issue 26) first: Nova-3's body is the audio itself, not JSON.
    if (isSpeechModel(model)) {
      state.calls++;
      if (script.audioDelayMs) await new Promise((resolve) => setTimeout(resolve, script.audioDelayMs));
      return speechAnswer(res, model, body, script);
    }
    const inputs = body ? (JSON.parse(body) as Record<string, unknown>) : {};
    const nonChat = fakeEmbeddingAnswer(model, inputs) ?? fakeRerankAnswer(model, inputs);
    if (nonChat) return json(res, 200, { result: nonChat, success: true, errors: [], messages: [] });
    state.calls++;
    // Embedding and image models (for the OpenAI-compatible API's tests) answer in their own shapes.
    const png = script.imagePng ? Buffer.from(script.imagePng, "base64") : TINY_PNG;
    if (model.includes("stable-diffusion") || model.includes("dreamshaper"))
      return res.writeHead(200, { "content-type": "image/png" }).end(png);
    if (model.includes("black-forest-labs"))
      return json(res, 200, { result: { image: png.toString("base64") }, success: true, errors: [], messages: [] });
    if (isTitleCall(model, inputs)) {
      if (script.title === undefined) return json(res, 400, envelope(5004, "This fake has no title scripted."));
      return json(res, 200, {
        result: { response: script.title, usage: { prompt_tokens: 60, completion_tokens: 4, total_tokens: 64 } },
        success: true,
        errors: [],
        messages: [],
      });
    }
    requests.push({ model, inputs: inputs as RecordedRequest["inputs"] });
    if (requests.length > 100) requests.shift();
    const toolCalls = script.toolCalls?.length && !hasToolResult(inputs) ? script.toolCalls : undefined;
    if (script.citePassages) return void (await answer(res, { ...script, text: citingAnswer(inputs) }));
    const fault = /fault=([a-z-]+)/.exec(body)?.[1] as Fault | undefined;
    state.open++;
    res.once("close", () => state.open--);
    if (!fault && /"stream":\s*false/.test(body)) return wholeAnswer(res, script, toolCalls);
    if (toolCalls && !fault) return void (await toolCallAnswer(res, script, toolCalls));
    await answer(res, { ...script, ...(fault ? { fault } : {}) });
  });
  await new Promise<void>((resolve) => server.listen(port, "127.0.0.1", resolve));
  const { port: bound } = server.address() as AddressInfo;
  return {
    url: `http://127.0.0.1:${bound}/client/v4/accounts/fake/ai`,
    setScript: (next) => {
      script = { ...DEFAULT, ...next };
      requests = [];
    },
    get calls() {
      return state.calls;
    },
    get open() {
      return state.open;
    },
    close: () =>
      new Promise((resolve) => {
        server.closeAllConnections();
        server.close(() => resolve());
      }),
  };
}

const SPEECH_MODELS = /^@cf\/(openai\/whisper|deepgram\/(nova|aura)|myshell-ai\/melotts)/;

function isSpeechModel(model: string): boolean {
  return SPEECH_MODELS.test(model);
}

/**
 * Workers AI's speech contracts: Whisper answers `{ text, segments, vtt, transcription_info }`,
 * Nova-3 Deepgram's `results.channels[0].alternatives[0].transcript`, each with the scripted
 * transcript whatever the audio; Aura answers MP3 bytes, MeloTTS `{ audio: base64 MP3 }`, the MP3
 * being valid MPEG frames of silence about as long as the text takes to say (15 characters a second).
 */
function speechAnswer(res: ServerResponse, model: string, body: string, script: Script) {
  const text = script.transcript ?? "";
  if (model.includes("whisper")) {
    const duration = 1;
    const result = {
      text,
      word_count: text ? text.split(/\s+/).length : 0,
      segments: text ? [{ start: 0, end: duration, text }] : [],
      vtt: `WEBVTT\n\n00:00.000 --> 00:01.000\n${text}\n`,
      transcription_info: { language: "en", language_probability: 1, duration, duration_after_vad: duration },
    };
    return json(res, 200, { result, success: true, errors: [], messages: [] });
  }
  if (model.includes("nova")) {
    const result = { metadata: { duration: 1 }, results: { channels: [{ alternatives: [{ transcript: text, confidence: 1 }] }] } };
    return json(res, 200, { result, success: true, errors: [], messages: [] });
  }
  const inputs = JSON.parse(body || "{}") as { text?: string; prompt?: string };
  const mp3 = silentMp3(Math.max(0.3, String(inputs.text ?? inputs.prompt ?? "").length / 15));
  if (model.includes("melotts"))
    return json(res, 200, { result: { audio: mp3.toString("base64") }, success: true, errors: [], messages: [] });
  return res.writeHead(200, { "content-type": "audio/mpeg", "content-length": String(mp3.length) }).end(mp3);
}

/** MPEG-1 layer III, 128 kbit/s, 44.1 kHz, mono: 417-byte frames whose zeroed side information decodes to silence. */
function silentMp3(seconds: number): Buffer {
  const frames = Math.ceil((seconds * 44_100) / 1152);
  const out = Buffer.alloc(frames * 417);
  for (let i = 0; i < frames; i++) out.set([0xff, 0xfb, 0x90, 0xc4], i * 417);
  return out;
}

/** The title model's call, told apart from a chat model's by its instructions. */
function isTitleCall(model: string, inputs: Record<string, unknown>): boolean {
  const messages = (inputs.messages ?? []) as { role: string; content: unknown }[];
  return model === TITLE_MODEL && messages[0]?.role === "system" && messages[0].content === TITLE_INSTRUCTIONS;
}

/**
 * Whether the loop already sent this turn's tool results back: a `tool` message after the last user
 * message (an earlier turn's tool results do not count, so a second question calls the tools again).
 */
function hasToolResult(inputs: Record<string, unknown>): boolean {
  const messages = (inputs.messages ?? []) as { role: string }[];
  const lastUser = messages.map((m) => m.role).lastIndexOf("user");
  return messages.slice(lastUser + 1).some((m) => m.role === "tool");
}

/** Passage 1's sentence that shares most words with the question, with a [1] marker; "not covered" when the prompt quotes nothing. */
function citingAnswer(inputs: Record<string, unknown>): string {
  const messages = (inputs.messages ?? []) as { role: string; content: unknown }[];
  const last = messages.filter((m) => m.role === "user").at(-1)?.content;
  const text = typeof last === "string" ? last : Array.isArray(last) ? last.map((p: { text?: string }) => p.text ?? "").join("\n") : "";
  const passage = /<passage n="1"[^>]*>\n([\s\S]*?)\n<\/passage>/.exec(text)?.[1];
  if (!passage) return "The attached documents do not cover that.";
  const question = new Set(words(text.slice(text.lastIndexOf("</document_passages>"))));
  const overlap = (sentence: string) => words(sentence).filter((w) => question.has(w)).length;
  const sentence = passage.split(/(?<=[.!?])\s+/).reduce((best, s) => (overlap(s) > overlap(best) ? s : best));
  return `The document says: ${sentence.trim()} [1]`;
}

function words(text: string): string[] {
  return text.toLowerCase().match(/[a-z0-9]{3,}/g) ?? [];
}

function pieces(script: Script): string[] {
  if (script.text !== undefined) return script.text.match(/[\s\S]{1,4}/g) ?? [];
  return Array.from({ length: script.tokens ?? 50 }, (_, i) => `w${i} `);
}

async function answer(res: ServerResponse, script: Script) {
  if (script.fault === "before-first-byte") return json(res, 500, envelope(5000, "Internal server error"));
  if (script.fault === "capacity") return json(res, 429, envelope(3040, "Capacity temporarily exceeded, please try again."));
  res.writeHead(200, { "content-type": "text/event-stream", "cache-control": "no-cache" });
  await streamReasoning(res, script);
  const all = pieces(script);
  const delay = script.fault === "drip" ? (script.dripMs ?? 200) : script.tokensPerSecond ? 1000 / script.tokensPerSecond : 0;
  for (let i = 0; i < all.length; i++) {
    if (res.destroyed) return;
    if (script.fault === "mid-stream" && i === Math.floor(all.length / 2)) {
      // Let what was written reach the client first: the break must come after real tokens.
      await new Promise((r) => res.write("", () => setTimeout(r, 50)));
      return res.destroy();
    }
    if (script.fault === "hang" && i === 1) return; // keep the socket open, say nothing more
    if (script.fault === "malformed" && i % 3 === 1) res.write("data: {not json\n\n: comment\n\ndata: \n\n");
    res.write(frame(all[i], script.format ?? "legacy"));
    if (delay) await new Promise((r) => setTimeout(r, delay));
  }
  if (script.fault === "no-done") return res.end();
  const prompt = script.promptTokens ?? 10;
  const usage = { prompt_tokens: prompt, completion_tokens: all.length, total_tokens: prompt + all.length };
  if (script.format === "openai") res.write(`data: ${JSON.stringify({ choices: [{ delta: {}, finish_reason: "stop" }] })}\n\n`);
  res.end(`data: ${JSON.stringify({ response: "", usage })}\n\ndata: [DONE]\n\n`);
}

/** A non-streamed chat answer (`stream: false`): the whole text (or the tool calls) in Workers AI's JSON envelope. */
function wholeAnswer(res: ServerResponse, script: Script, toolCalls?: ScriptedToolCall[]) {
  const all = toolCalls ? [] : pieces(script);
  const prompt = script.promptTokens ?? 10;
  const usage = { prompt_tokens: prompt, completion_tokens: all.length, total_tokens: prompt + all.length };
  if (script.toolFormat === "native" || (!toolCalls && !script.reasoning)) {
    const calls = toolCalls?.map((call) => ({ name: call.name, arguments: call.arguments }));
    return json(res, 200, {
      result: { response: all.join(""), ...(calls ? { tool_calls: calls } : {}), usage },
      success: true,
      errors: [],
      messages: [],
    });
  }
  const message = {
    role: "assistant",
    content: all.join(""),
    ...(script.reasoning ? { reasoning_content: script.reasoning } : {}),
    ...(toolCalls ? { tool_calls: toolCalls.map((call) => ({ id: toolCallId(), type: "function", function: openAiFunction(call) })) } : {}),
  };
  const choice = { index: 0, message, finish_reason: toolCalls ? "tool_calls" : "stop" };
  json(res, 200, { result: { choices: [choice], usage }, success: true, errors: [], messages: [] });
}

/** Reasoning models stream their thinking OpenAI-style (the provider reads it only there), whatever the text's format. */
async function streamReasoning(res: ServerResponse, script: Script) {
  for (const piece of script.reasoning?.match(/[\s\S]{1,4}/g) ?? []) {
    if (res.destroyed) return;
    res.write(`data: ${JSON.stringify({ choices: [{ delta: { reasoning_content: piece }, finish_reason: null }] })}\n\n`);
    if (script.tokensPerSecond) await new Promise((r) => setTimeout(r, 1000 / script.tokensPerSecond!));
  }
}

/**
 * The scripted tool calls, streamed as Workers AI does: OpenAI-style, a call's name and id first and
 * its arguments in pieces (merged by `index`), then finish reason tool_calls; native, one
 * `{response: "", tool_calls}` event. The provider numbers index-less native calls all 0 and would
 * merge several into one, so native calls carry `index` only when there are several.
 */
async function toolCallAnswer(res: ServerResponse, script: Script, calls: ScriptedToolCall[]) {
  res.writeHead(200, { "content-type": "text/event-stream", "cache-control": "no-cache" });
  await streamReasoning(res, script);
  const send = (data: unknown) => res.write(`data: ${JSON.stringify(data)}\n\n`);
  let completion = 0;
  if (script.toolFormat === "native") {
    const several = calls.length > 1;
    send({
      response: "",
      tool_calls: calls.map((call, index) => ({ ...(several ? { index } : {}), name: call.name, arguments: call.arguments })),
    });
    completion = calls.length * 10;
  } else {
    calls.forEach((call, index) => {
      send({
        choices: [
          {
            delta: { tool_calls: [{ index, id: toolCallId(), type: "function", function: { name: call.name, arguments: "" } }] },
            finish_reason: null,
          },
        ],
      });
      for (const piece of JSON.stringify(call.arguments).match(/[\s\S]{1,8}/g) ?? []) {
        send({ choices: [{ delta: { tool_calls: [{ index, function: { arguments: piece } }] }, finish_reason: null }] });
        completion++;
      }
    });
    send({ choices: [{ delta: {}, finish_reason: "tool_calls" }] });
  }
  const prompt = script.promptTokens ?? 10;
  const usage = { prompt_tokens: prompt, completion_tokens: completion, total_tokens: prompt + completion };
  res.end(`data: ${JSON.stringify({ response: "", usage })}\n\ndata: [DONE]\n\n`);
}

function openAiFunction(call: ScriptedToolCall) {
  return { name: call.name, arguments: JSON.stringify(call.arguments) };
}

function toolCallId(): string {
  return `chatcmpl-tool-${randomUUID().replace(/-/g, "").slice(0, 24)}`;
}

/** BGE's `{shape, data}`, one deterministic vector per input, as long as the model's real ones. */
const EMBEDDING_DIMS: Record<string, number> = {
  "@cf/baai/bge-small-en-v1.5": 384,
  "@cf/baai/bge-base-en-v1.5": 768,
  "@cf/baai/bge-large-en-v1.5": 1024,
  "@cf/baai/bge-m3": 1024,
};
function embeddingAnswer(res: ServerResponse, model: string, body: string) {
  const dims = EMBEDDING_DIMS[model];
  const text = (JSON.parse(body) as { text?: string | string[] }).text;
  const inputs = typeof text === "string" ? [text] : text;
  if (!dims || !Array.isArray(inputs)) return json(res, 400, envelope(5004, "Invalid input"));
  const data = inputs.map((t) => Array.from({ length: dims }, (_, i) => ((t.length + i) % 7) / 7));
  json(res, 200, { result: { shape: [inputs.length, dims], data }, success: true, errors: [], messages: [] });
}

/** A 3×2 grey PNG: what the fake's image models draw. */
const TINY_PNG = Buffer.from(
  "iVBORw0KGgoAAAANSUhEUgAAAAMAAAACCAIAAAASFvFNAAAACXBIWXMAAAPoAAAD6AG1e1JrAAAADklEQVR4nGM4AQMMcBYAjLQOETxAoQ8AAAAASUVORK5CYII=",
  "base64",
);

function frame(piece: string, format: "legacy" | "openai"): string {
  const data = format === "openai" ? { choices: [{ delta: { content: piece }, finish_reason: null }] } : { response: piece };
  return `data: ${JSON.stringify(data)}\n\n`;
}

function envelope(code: number, message: string) {
  return { result: null, success: false, errors: [{ code, message }], messages: [] };
}

function json(res: ServerResponse, status: number, body: unknown) {
  res.writeHead(status, { "content-type": "application/json" }).end(JSON.stringify(body));
}
