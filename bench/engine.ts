/**
 * Local engine: tokens/s and time to first token through the engine's HTTP contract (Workers AI
 * SSE from `startEngine`, its inference child, IPC and HTTP) against node-llama-cpp called directly
 * in this process, on the same model file and settings (1 thread, same context size, max_tokens,
 * temperature, seed, prompt rendering; two warm-up answers each). Runs alternate so both see the
 * same machine state.
 *
 * The HTTP client is deliberately cheap, since it shares this process (and the 2 cores) with the
 * engine's server while the baseline has no client at all: plain node:http on a keep-alive
 * connection that only keeps the chunks while the answer streams (and looks for the first token
 * frame, for TTFT). The clock stops at the end of the stream; only then is every SSE event parsed
 * and checked: each must be `data: {"response":"..."}`, then the usage chunk, then `[DONE]`, and the
 * pieces must join to exactly the text the in-process run produced, token for token (same seed).
 *   npm run bench:engine                                   generated test model
 *   LOCAL_TEXT_MODEL=../shared/models/stories260K.gguf npm run bench:engine   that file too
 *   RUNS=10 MAX_TOKENS=512
 */
import { Agent, request } from "node:http";
import { readFileSync } from "node:fs";
import { getLlama, LlamaChat, LlamaCompletion, LlamaLogLevel, resolveChatWrapper } from "node-llama-cpp";
import { ensureTestTextModel } from "../engine/fixtures/test-model";
import { startEngine } from "../engine/server";
import { fmt, median, type StreamSample } from "./stack";

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
  let directPieces: string[] = [];
  const direct = async (): Promise<StreamSample> => {
    const start = performance.now();
    let ttftMs = 0;
    const pieces: string[] = [];
    const onTextChunk = (text: string) => {
      if (!text) return;
      pieces.push(text);
      if (!ttftMs) ttftMs = performance.now() - start;
    };
    if (chat)
      await chat.generateResponse(
        [
          { type: "user", text: PROMPT },
          { type: "model", response: [] },
        ],
        { ...sampling, onTextChunk },
      );
    else await completion!.generateCompletionWithMeta(PROMPT, { ...sampling, onTextChunk });
    const totalMs = performance.now() - start;
    directPieces = pieces;
    return { ttftMs, totalMs, tokens: pieces.length, events: pieces.length };
  };

  const engine = await startEngine({ port: 0, textModelPath: file, threads: 1, download: false, imageModelDir: "", visionModelDir: "" });
  const status = `${new URL(engine.url).origin}/local/status`;
  while (!((await (await fetch(status)).json()) as { ready: boolean }).ready) await new Promise((r) => setTimeout(r, 100));
  const agent = new Agent({ keepAlive: true, maxSockets: 1 });
  const body = JSON.stringify({
    messages: [{ role: "user", content: PROMPT }],
    stream: true,
    max_tokens: MAX_TOKENS,
    temperature: TEMPERATURE,
    seed: SEED,
  });
  const viaEngine = async (): Promise<StreamSample> => {
    const { ttftMs, totalMs, raw } = await streamOnce(`${engine.url}/run/${MODEL_ID}`, body, agent);
    const pieces = checkWorkersAiStream(raw);
    // Same seed, same model, same settings: the engine must have delivered exactly what ran in-process.
    if (pieces.join("") !== directPieces.join(""))
      throw new Error(`engine text differs from in-process text:\n${pieces.join("")}\n---\n${directPieces.join("")}`);
    return { ttftMs, totalMs, tokens: pieces.length, events: pieces.length };
  };

  // The inference child's own time per answer (run-start to run-end, as the engine sees them), and
  // CPU time per answer: the child's (Linux /proc), this process's (engine server + client) and, for
  // the baseline, this process's while it generates in-process.
  const childMs: number[] = [];
  let runStart = 0;
  let childPid = 0;
  engine.events.on("run-start", ({ pid }: { pid: number }) => ((runStart = performance.now()), (childPid = pid)));
  engine.events.on("run-end", () => childMs.push(performance.now() - runStart));
  const d: StreamSample[] = [];
  const e: StreamSample[] = [];
  const cpu = { direct: [] as number[], server: [] as number[], child: [] as number[] };
  try {
    for (let i = 0; i < RUNS + 2; i++) {
      let before = process.cpuUsage();
      const a = await direct();
      const directCpu = cpuMs(process.cpuUsage(before));
      before = process.cpuUsage();
      const childBefore = childCpuMs(childPid);
      const b = await viaEngine();
      const serverCpu = cpuMs(process.cpuUsage(before));
      const childCpu = childCpuMs(childPid) - childBefore;
      if (i >= 2) d.push(a), e.push(b), cpu.direct.push(directCpu), cpu.server.push(serverCpu), cpu.child.push(childCpu);
    }
  } finally {
    agent.destroy();
    await engine.close();
    await context.dispose();
    await model.dispose();
  }
  const tps = (s: StreamSample) => s.tokens / (s.totalMs / 1000);
  const row = (name: string, s: StreamSample[]) =>
    `  ${name.padEnd(40)} ${fmt(median(s.map((x) => x.ttftMs)), 2).padStart(9)} ${fmt(median(s.map(tps)), 0).padStart(10)} ${fmt(median(s.map((x) => x.tokens)), 0).padStart(7)}`;
  const ratio = median(e.map(tps)) / median(d.map(tps));
  console.log(
    `Local engine: ${file}, ${RUNS} runs, max_tokens ${MAX_TOKENS}, temperature ${TEMPERATURE}, seed ${SEED}, threads 1 (${hasTemplate ? "chat template" : "plain text"})`,
  );
  console.log(`  ${"".padEnd(40)} ${"TTFT p50".padStart(9)} ${"tokens/s".padStart(10)} ${"tokens".padStart(7)}`);
  console.log(row("node-llama-cpp in-process (baseline)", d));
  console.log(row("engine over HTTP (child + IPC + SSE)", e));
  const child = median(childMs.slice(2));
  console.log(
    `  ${"inference child alone (run-start→run-end)".padEnd(40)} ${"".padStart(9)} ${fmt(MAX_TOKENS / (child / 1000), 0).padStart(10)}   (${fmt(child, 1)} ms vs ${fmt(median(d.map((x) => x.totalMs)), 1)} ms in-process)`,
  );
  console.log(
    `  CPU per answer (p50): in-process ${fmt(median(cpu.direct), 1)} ms; engine: child ${Number.isNaN(median(cpu.child)) ? "n/a" : `${fmt(median(cpu.child), 0)} ms (10 ms ticks)`}, server + client ${fmt(median(cpu.server), 1)} ms`,
  );
  console.log(`  TTFT overhead (p50): ${fmt(median(e.map((x) => x.ttftMs)) - median(d.map((x) => x.ttftMs)), 2)} ms`);
  console.log(`  throughput ratio (p50, tokens / total time): ${fmt(ratio, 3)}   target ≥ 0.9   ${ratio >= 0.9 ? "MET" : "NOT MET"}`);
}
process.exit(0);

function cpuMs(usage: NodeJS.CpuUsage): number {
  return (usage.user + usage.system) / 1000;
}

/** utime + stime of a process from /proc (Linux; in clock ticks, 10 ms here), NaN elsewhere. */
function childCpuMs(pid: number): number {
  try {
    const fields = readFileSync(`/proc/${pid}/stat`, "utf8").split(") ")[1].split(" ");
    return (Number(fields[11]) + Number(fields[12])) * 10;
  } catch {
    return NaN;
  }
}

/** POSTs and keeps the raw chunks; the only work while streaming is spotting the first token frame. */
function streamOnce(url: string, body: string, agent: Agent): Promise<{ ttftMs: number; totalMs: number; raw: string }> {
  return new Promise((resolve, reject) => {
    const start = performance.now();
    const req = request(url, { method: "POST", agent, headers: { "content-type": "application/json" } }, (res) => {
      if (res.statusCode !== 200) {
        res.resume();
        return reject(new Error(`${url}: HTTP ${res.statusCode}`));
      }
      res.setEncoding("utf8");
      const chunks: string[] = [];
      let ttftMs = 0;
      let head = "";
      res.on("data", (chunk: string) => {
        chunks.push(chunk);
        if (ttftMs) return;
        head += chunk;
        if (/data: \{"response":"[^"]/.test(head)) ttftMs = performance.now() - start;
      });
      res.on("end", () => resolve({ ttftMs, totalMs: performance.now() - start, raw: chunks.join("") }));
      res.on("error", reject);
    });
    req.on("error", reject);
    req.end(body);
  });
}

/** Every event of a Workers AI legacy SSE answer, checked; returns the text pieces in order. */
function checkWorkersAiStream(raw: string): string[] {
  const events = raw.split("\n\n");
  if (events.pop() !== "") throw new Error("stream does not end with a blank line");
  if (events.pop() !== "data: [DONE]") throw new Error("stream does not end with data: [DONE]");
  const usage = JSON.parse(events.pop()!.replace(/^data: /, "")) as { response: string; usage?: { completion_tokens: number } };
  if (usage.response !== "" || !usage.usage) throw new Error("no usage chunk before [DONE]");
  return events.map((event) => {
    if (!event.startsWith('data: {"response":"')) throw new Error(`unexpected event ${event}`);
    const { response, ...rest } = JSON.parse(event.slice(6)) as { response: string };
    if (!response || Object.keys(rest).length) throw new Error(`unexpected event ${event}`);
    return response;
  });
}
