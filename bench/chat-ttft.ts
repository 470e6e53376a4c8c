/**
 * Time to first token and tokens/s of a chat answer through the Worker (`POST /api/chat`, the UI
 * message stream a browser reads) against the same local engine asked directly (Workers AI SSE), on
 * the same model and settings, in one run.
 *   npx tsx bench/chat-ttft.ts                       generated test model
 *   LOCAL_TEXT_MODEL=../shared/models/stories260K.gguf npx tsx bench/chat-ttft.ts
 */
import { isUiTextDelta, isWorkersAiToken, newIdentity, percentile, startStack, timeStream, type StreamSample } from "./stack";

const RUNS = Number(process.env.RUNS ?? 20);
const MAX_TOKENS = Number(process.env.MAX_TOKENS ?? 256);
const MODEL = "@cf/meta/llama-3.2-1b-instruct";
const PROMPT = "Once upon a time";

type Sample = StreamSample;

const stack = await startStack({ port: 5181, enginePort: 8881 });
try {
  const cookie = await newIdentity(stack.app);
  const direct: Sample[] = [];
  const viaWorker: Sample[] = [];
  for (let i = 0; i < RUNS + 2; i++) {
    const d = await timeStream(
      `${stack.engine}/run/${MODEL}`,
      {
        method: "POST",
        headers: { "content-type": "application/json", ...stack.engineHeaders },
        body: JSON.stringify({ messages: [{ role: "user", content: PROMPT }], stream: true, max_tokens: MAX_TOKENS, temperature: 0.6 }),
      },
      isWorkersAiToken,
    );
    const w = await timeStream(
      `${stack.app}/api/chat`,
      {
        method: "POST",
        headers: { "content-type": "application/json", cookie },
        body: JSON.stringify({
          id: `bench${String(i).padStart(3, "0")}xxxxxxxxxxxx`,
          messages: [{ id: `m${i}`, role: "user", parts: [{ type: "text", text: PROMPT }] }],
          model: MODEL,
          maxTokens: MAX_TOKENS,
          temperature: 0.6,
        }),
      },
      isUiTextDelta,
    );
    if (i >= 2) {
      // the first two warm up the child process, workerd and the Durable Object
      direct.push(d);
      viaWorker.push(w);
    }
  }
  const row = (name: string, s: Sample[]) => {
    const ttft = s.map((x) => x.ttftMs);
    const tps = s.map((x) => x.tokens / ((x.totalMs - x.ttftMs) / 1000));
    return `${name.padEnd(22)} ${percentile(ttft, 50).toFixed(1).padStart(8)} ${percentile(ttft, 90).toFixed(1).padStart(8)} ${percentile(tps, 50).toFixed(0).padStart(10)}`;
  };
  console.log(`chat TTFT, ${RUNS} runs, max_tokens ${MAX_TOKENS}, model file ${process.env.LOCAL_TEXT_MODEL ?? "generated test model"}`);
  console.log(`${"".padEnd(22)} ${"p50 ms".padStart(8)} ${"p90 ms".padStart(8)} ${"tokens/s".padStart(10)}`);
  console.log(row("engine alone (SSE)", direct));
  console.log(row("through the Worker", viaWorker));
  const overhead =
    percentile(
      viaWorker.map((x) => x.ttftMs),
      50,
    ) -
    percentile(
      direct.map((x) => x.ttftMs),
      50,
    );
  console.log(`Worker overhead on first token (p50): ${overhead.toFixed(1)} ms`);
} finally {
  stack.stop();
}
