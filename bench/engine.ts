/**
 * Local engine: tokens/s and time to first token through the engine's HTTP contract (Workers AI
 * SSE from `startEngine`, its inference child, IPC and HTTP) against node-llama-cpp called directly
 * in this process, on the same model file and settings (1 thread, same max_tokens, temperature,
 * seed, prompt rendering). Runs alternate so both see the same machine state.
 *   npm run bench:engine                                   generated test model
 *   LOCAL_TEXT_MODEL=../shared/models/stories260K.gguf npm run bench:engine   that file too
 *   RUNS=10 MAX_TOKENS=512
 */
import { getLlama, LlamaChat, LlamaCompletion, LlamaLogLevel, resolveChatWrapper } from "node-llama-cpp";
import { ensureTestTextModel } from "../engine/fixtures/test-model";
import { startEngine } from "../engine/server";
import { fmt, isWorkersAiToken, median, timeStream, type StreamSample } from "./stack";

const RUNS = Number(process.env.RUNS ?? 10);
const MAX_TOKENS = Number(process.env.MAX_TOKENS ?? 512);
const TEMPERATURE = 0.6;
const SEED = 42;
const PROMPT = "Once upon a time";
const MODEL_ID = "@cf/meta/llama-3.2-1b-instruct";

const files = [await ensureTestTextModel(), ...(process.env.LOCAL_TEXT_MODEL ? [process.env.LOCAL_TEXT_MODEL] : [])];
const llama = await getLlama({ gpu: false, build: "never", logLevel: LlamaLogLevel.error });

for (const file of files) {
  // Direct: the same calls the engine's child makes (engine/text/child.ts), in this process.
  const model = await llama.loadModel({ modelPath: file });
  const context = await model.createContext({ threads: 1, contextSize: Math.min(model.trainContextSize, 4096) });
  const sequence = context.getSequence();
  const hasTemplate = typeof model.fileInfo.metadata.tokenizer?.chat_template === "string";
  const chat = hasTemplate ? new LlamaChat({ contextSequence: sequence, chatWrapper: resolveChatWrapper(model) ?? "auto" }) : undefined;
  const completion = hasTemplate ? undefined : new LlamaCompletion({ contextSequence: sequence });
  const sampling = { maxTokens: MAX_TOKENS, temperature: TEMPERATURE, seed: SEED };
  const direct = async (): Promise<StreamSample> => {
    const start = performance.now();
    let ttftMs = 0;
    let tokens = 0;
    const onTextChunk = (text: string) => {
      if (!text) return;
      tokens++;
      if (!ttftMs) ttftMs = performance.now() - start;
    };
    if (chat) await chat.generateResponse([{ type: "user", text: PROMPT }, { type: "model", response: [] }], { ...sampling, onTextChunk });
    else await completion!.generateCompletionWithMeta(PROMPT, { ...sampling, onTextChunk });
    return { ttftMs, totalMs: performance.now() - start, tokens };
  };

  const engine = await startEngine({ port: 0, textModelPath: file, threads: 1, download: false, imageModelDir: "", visionModelDir: "" });
  const status = `${new URL(engine.url).origin}/local/status`;
  while (!((await (await fetch(status)).json()) as { ready: boolean }).ready) await new Promise((r) => setTimeout(r, 100));
  const viaEngine = () =>
    timeStream(
      `${engine.url}/run/${MODEL_ID}`,
      { method: "POST", headers: { "content-type": "application/json" }, body: JSON.stringify({ messages: [{ role: "user", content: PROMPT }], stream: true, max_tokens: MAX_TOKENS, temperature: TEMPERATURE, seed: SEED }) },
      isWorkersAiToken,
    );

  // The inference child's own time per answer (run-start to run-end, as the engine sees them).
  const childMs: number[] = [];
  let runStart = 0;
  engine.events.on("run-start", () => (runStart = performance.now()));
  engine.events.on("run-end", () => childMs.push(performance.now() - runStart));
  const d: StreamSample[] = [];
  const e: StreamSample[] = [];
  try {
    for (let i = 0; i < RUNS + 2; i++) {
      const a = await direct();
      const b = await viaEngine();
      if (i >= 2) d.push(a), e.push(b);
    }
  } finally {
    await engine.close();
    await context.dispose();
    await model.dispose();
  }
  const tps = (s: StreamSample) => s.tokens / (s.totalMs / 1000);
  const row = (name: string, s: StreamSample[]) =>
    `  ${name.padEnd(40)} ${fmt(median(s.map((x) => x.ttftMs)), 2).padStart(9)} ${fmt(median(s.map(tps)), 0).padStart(10)} ${fmt(median(s.map((x) => x.tokens)), 0).padStart(7)}`;
  const ratio = median(e.map(tps)) / median(d.map(tps));
  console.log(`Local engine: ${file}, ${RUNS} runs, max_tokens ${MAX_TOKENS}, temperature ${TEMPERATURE}, seed ${SEED}, threads 1 (${hasTemplate ? "chat template" : "plain text"})`);
  console.log(`  ${"".padEnd(40)} ${"TTFT p50".padStart(9)} ${"tokens/s".padStart(10)} ${"tokens".padStart(7)}`);
  console.log(row("node-llama-cpp in-process (baseline)", d));
  console.log(row("engine over HTTP (child + IPC + SSE)", e));
  const child = median(childMs.slice(2));
  console.log(`  ${"inference child alone (run-start→run-end)".padEnd(40)} ${"".padStart(9)} ${fmt(MAX_TOKENS / (child / 1000), 0).padStart(10)}   (${fmt(child, 1)} ms vs ${fmt(median(d.map((x) => x.totalMs)), 1)} ms in-process)`);
  console.log(`  TTFT overhead (p50): ${fmt(median(e.map((x) => x.ttftMs)) - median(d.map((x) => x.ttftMs)), 2)} ms`);
  console.log(`  throughput ratio (p50, tokens / total time): ${fmt(ratio, 3)}   target ≥ 0.9   ${ratio >= 0.9 ? "MET" : "NOT MET"}`);
}
process.exit(0);
