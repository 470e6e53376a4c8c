/**
 * The OpenAI-compatible relay: time to first token and tokens/s of a streamed
 * `POST /v1/chat/completions` (Workers AI's SSE translated straight into `chat.completion.chunk`
 * events, no AI SDK) against the same stream read directly from the upstream, beside the chat
 * route (`POST /api/chat`, the AI SDK's UI message stream) in the same run. Upstream: the paced fake
 * (bench/paced-upstream.ts) at RATE tokens/s, so only the Worker's own cost differs. Measured in the
 * built Worker (`vite build` + `vite preview`, workerd without Vite's dev server) and, with DEV=1,
 * in the dev runtime too.
 *   npm run bench:openai            RUNS=20 TOKENS=2000 RATE=5000 DEV=0
 */
import { startPacedUpstream } from "./paced-upstream";
import {
  fmt,
  median,
  percentile,
  personWithKey,
  startPreviewStack,
  startStack,
  streamChatAnswer,
  streamFromUpstream,
  streamV1Answer,
  type StreamSample,
} from "./stack";

const RUNS = Number(process.env.RUNS ?? 20);
const TOKENS = Number(process.env.TOKENS ?? 2000);
const RATE = Number(process.env.RATE ?? 5000);
const WARMUP = 3;
/** Ports move with E2E_PORT_BASE, so checkouts benchmarking side by side do not collide. */
const PORT = process.env.E2E_PORT_BASE ? Number(process.env.E2E_PORT_BASE) + 50 : 5196;

const direct = (url: string) => streamFromUpstream(url, TOKENS);
const viaV1 = (app: string, key: string) => streamV1Answer(app, key, TOKENS);
const viaChat = (app: string, cookie: string) => streamChatAnswer(app, cookie, TOKENS);
const tps = (s: StreamSample) => s.tokens / ((s.totalMs - s.ttftMs) / 1000);

async function measure(app: string, upstreamUrl: string) {
  let who = await personWithKey(app);
  const d: StreamSample[] = [];
  const v: StreamSample[] = [];
  const ch: StreamSample[] = [];
  for (let i = 0; i < RUNS + WARMUP; i++) {
    // Two generating requests per round: a new person before the 30-a-minute limit.
    if (i > 0 && i % 12 === 0) who = await personWithKey(app);
    const a = await direct(upstreamUrl);
    const b = await viaV1(app, who.key);
    const c = await viaChat(app, who.cookie);
    if (b.tokens !== TOKENS) throw new Error(`/v1 relayed ${b.tokens} of ${TOKENS} tokens.`);
    if (c.tokens !== TOKENS) throw new Error(`/api/chat relayed ${c.tokens} of ${TOKENS} tokens.`);
    if (i >= WARMUP) d.push(a), v.push(b), ch.push(c);
  }

  // Where the first token's time goes: the same front end with less and less of the route behind it.
  const probes = { asset: [] as number[], worker: [] as number[], key: [] as number[] };
  for (let i = 0; i < RUNS + WARMUP; i++) {
    const asset = await timed(`${app}/favicon.svg`); // a static file: no Worker code
    const worker = await timed(`${app}/v1/models`, { headers: { authorization: "Bearer not-a-key" } }); // + the Worker, refused before any lookup
    const key = await timed(`${app}/v1/models`, { headers: { authorization: `Bearer ${who.key}` } }); // + the key lookup (ApiKeys Durable Object)
    if (i >= WARMUP) probes.asset.push(asset), probes.worker.push(worker), probes.key.push(key);
  }
  return { d, v, ch, probes };
}

const timed = async (url: string, init?: RequestInit) => {
  const start = performance.now();
  await (await fetch(url, init)).arrayBuffer();
  return performance.now() - start;
};

const row = (name: string, s: StreamSample[]) =>
  `  ${name.padEnd(40)} ${fmt(median(s.map((x) => x.ttftMs)), 2).padStart(9)} ${fmt(
    percentile(
      s.map((x) => x.ttftMs),
      90,
    ),
    2,
  ).padStart(9)} ${fmt(median(s.map(tps)), 0).padStart(10)}`;

function report(title: string, r: Awaited<ReturnType<typeof measure>>) {
  console.log(`\n${title}: ${TOKENS}-token answers, upstream paced at ${RATE} tokens/s, ${RUNS} runs each (after ${WARMUP} warm-up)`);
  console.log(`  ${"".padEnd(40)} ${"TTFT p50".padStart(9)} ${"TTFT p90".padStart(9)} ${"tokens/s".padStart(10)}`);
  console.log(row("upstream read directly (baseline)", r.d));
  console.log(row("POST /v1/chat/completions (stream)", r.v));
  console.log(row("POST /api/chat (UI message stream)", r.ch));
  const base = { ttft: median(r.d.map((x) => x.ttftMs)), tps: median(r.d.map(tps)) };
  for (const [name, s] of [
    ["/v1/chat/completions", r.v],
    ["/api/chat", r.ch],
  ] as const) {
    const overhead = median(s.map((x) => x.ttftMs)) - base.ttft;
    const ratio = median(s.map(tps)) / base.tps;
    console.log(
      `  ${name.padEnd(22)} first-token overhead (p50) ${fmt(overhead, 2).padStart(6)} ms ${overhead <= 5 ? "MET" : "NOT MET"} (≤ 5)   throughput ratio ${fmt(ratio, 3)} ${ratio >= 0.95 ? "MET" : "NOT MET"} (≥ 0.95)`,
    );
  }
  const [a, w, k] = [median(r.probes.asset), median(r.probes.worker), median(r.probes.key)];
  const first = median(r.v.map((x) => x.ttftMs));
  console.log(`  Where /v1's first token goes (p50 of ${RUNS} requests each):`);
  console.log(`    ${"the HTTP front end, a static file (GET /favicon.svg)".padEnd(58)} ${fmt(a, 2).padStart(7)} ms`);
  console.log(
    `    ${"+ the Worker, a malformed key refused (GET /v1/models)".padEnd(58)} ${fmt(w, 2).padStart(7)} ms   (+${fmt(w - a, 2)})`,
  );
  console.log(`    ${"+ the key lookup in the ApiKeys Durable Object".padEnd(58)} ${fmt(k, 2).padStart(7)} ms   (+${fmt(k - w, 2)})`);
  console.log(
    `    ${"+ rate limit and budget, the model call, the first chunk".padEnd(58)} ${fmt(first, 2).padStart(7)} ms   (+${fmt(first - k, 2)}; upstream alone ${fmt(base.ttft, 2)})`,
  );
}

const upstream = await startPacedUpstream({ tokens: TOKENS, tokensPerSecond: RATE });
try {
  const preview = await startPreviewStack({ port: PORT, env: { WORKERS_AI_REST_URL: upstream.url } });
  const built = await measure(preview.app, upstream.url).finally(() => preview.stop());
  report("Built Worker (vite build + vite preview: workerd, no dev server)", built);
  if (process.env.DEV === "1") {
    const devStack = await startStack({ port: PORT + 1, enginePort: PORT + 2, env: { WORKERS_AI_REST_URL: upstream.url } });
    const dev = await measure(devStack.app, upstream.url).finally(() => devStack.stop());
    report("Dev runtime (npm run dev: workerd behind Vite's dev server)", dev);
  }
} finally {
  await upstream.close();
}
