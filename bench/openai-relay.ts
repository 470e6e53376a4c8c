/**
 * The OpenAI-compatible relay: time to first token and tokens/s of a streamed
 * `POST /v1/chat/completions` (Workers AI's SSE translated straight into `chat.completion.chunk`
 * events, no AI SDK) against the same stream read directly from the upstream, beside the chat
 * route (`POST /api/chat`, the AI SDK's UI message stream) in the same run. Upstream: the paced fake
 * (bench/paced-upstream.ts) at RATE tokens/s, so only the Worker's own cost differs. Measured in the
 * built Worker (`vite build`) served by workerd directly (Miniflare, as Cloudflare's runtime receives
 * requests), then the same build behind `vite preview`'s Node front end and, with DEV=1, in the dev
 * runtime too.
 *
 * Wrangler's local observability (on by default in the Vite plugin) is off for these stacks: it runs
 * a trace collector in the same workerd thread as the Worker and, measured here, doubled the CPU of a
 * streamed `/v1` request (8.5 -> 18 ms). Cloudflare collects traces outside the Worker's isolate.
 *   npm run bench:openai            RUNS=20 TOKENS=2000 RATE=5000 DEV=0
 */
import { startPacedUpstream } from "./paced-upstream";
import {
  fmt,
  startBuiltWorker,
  startFloors,
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
/** A sample with how long the relay took to send its model request (from the client's start to the upstream's arrival). */
type RelaySample = StreamSample & { modelCalledMs: number };
const relayed = async (send: () => Promise<StreamSample>): Promise<RelaySample> => {
  const start = performance.now();
  const sample = await send();
  return { ...sample, modelCalledMs: upstream.firstRequestSince(start) - start };
};
const viaV1 = (app: string, key: string) => relayed(() => streamV1Answer(app, key, TOKENS));
const viaChat = (app: string, cookie: string) => relayed(() => streamChatAnswer(app, cookie, TOKENS));
const tps = (s: StreamSample) => s.tokens / ((s.totalMs - s.ttftMs) / 1000);

/** Floors read in the same rounds (bench/stack.ts startFloors). */
type Floors = { bare: string; limited: string; durableObject: string };

async function measure(app: string, upstreamUrl: string, floors?: Floors) {
  let who = await personWithKey(app);
  const d: StreamSample[] = [];
  const v: RelaySample[] = [];
  const ch: RelaySample[] = [];
  const pass = { bare: [] as StreamSample[], limited: [] as StreamSample[], durableObject: [] as StreamSample[] };
  for (let i = 0; i < RUNS + WARMUP; i++) {
    // Two generating requests per round: a new person before the 30-a-minute limit.
    if (i > 0 && i % 12 === 0) who = await personWithKey(app);
    if (floors) {
      const bare = await direct(floors.bare);
      const limited = await direct(floors.limited);
      const durableObject = await direct(floors.durableObject);
      if (i >= WARMUP) pass.bare.push(bare), pass.limited.push(limited), pass.durableObject.push(durableObject);
    }
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
  return { d, v, ch, probes, pass };
}

const timed = async (url: string, init?: RequestInit) => {
  const start = performance.now();
  await (await fetch(url, init)).arrayBuffer();
  return performance.now() - start;
};

/** Issue 12 (/v1: a thin translation) and issue 10 (the chat answer, written in the person's Durable Object). */
const TARGETS = {
  "/v1/chat/completions": { overheadMs: 5, ratio: 0.95 },
  "/api/chat": { overheadMs: 10, ratio: 0.67 },
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
  if (r.pass.bare.length) {
    console.log(row("pass-through Worker (the floor)", r.pass.bare));
    console.log(row("pass-through + two limit() calls", r.pass.limited));
    console.log(row("+ a Durable Object: one row, the call", r.pass.durableObject));
  }
  for (const [name, s] of [
    ["/v1/chat/completions", r.v],
    ["/api/chat", r.ch],
  ] as const) {
    const called = median(s.map((x) => x.modelCalledMs));
    console.log(
      `  ${name.padEnd(22)} model request reached the upstream after ${fmt(called, 2)} ms; first token out ${fmt(median(s.map((x) => x.ttftMs)) - called, 2)} ms after that (p50s)`,
    );
  }
  console.log(row("POST /v1/chat/completions (stream)", r.v));
  console.log(row("POST /api/chat (UI message stream)", r.ch));
  const base = { ttft: median(r.d.map((x) => x.ttftMs)), tps: median(r.d.map(tps)) };
  for (const [name, s] of [
    ["/v1/chat/completions", r.v],
    ["/api/chat", r.ch],
  ] as const) {
    const overhead = median(s.map((x) => x.ttftMs)) - base.ttft;
    const ratio = median(s.map(tps)) / base.tps;
    const target = TARGETS[name];
    console.log(
      `  ${name.padEnd(22)} first-token overhead (p50) ${fmt(overhead, 2).padStart(6)} ms ${overhead <= target.overheadMs ? "MET" : "NOT MET"} (≤ ${target.overheadMs})   throughput ratio ${fmt(ratio, 3)} ${ratio >= target.ratio ? "MET" : "NOT MET"} (≥ ${target.ratio})`,
    );
  }
  if (r.pass.bare.length) {
    const ttft = (s: StreamSample[]) => median(s.map((x) => x.ttftMs));
    const floor = ttft(r.pass.bare) - base.ttft;
    const limiter = ttft(r.pass.limited) - ttft(r.pass.bare);
    const durableObject = ttft(r.pass.durableObject) - ttft(r.pass.limited);
    console.log(
      `  Floors: ${fmt(floor, 2)} ms under any Worker (it only passes the body on), ${fmt(limiter, 2)} ms more for Miniflare's local limiter (two limit() calls), ${fmt(durableObject, 2)} ms more for a Durable Object that saves a row and makes the call.`,
    );
    console.log(`    /v1/chat/completions   the route's own (less the first two): ${fmt(ttft(r.v) - base.ttft - floor - limiter, 2)} ms`);
    console.log(
      `    /api/chat              the route's own (less all three):     ${fmt(ttft(r.ch) - base.ttft - floor - limiter - durableObject, 2)} ms`,
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
// No model titles: each would be one more answer of TOKENS streamed beside the next round's requests.
// (`vite preview` passes on only the variables wrangler.jsonc declares, so its stack still writes them.)
const stackVars = { WORKERS_AI_REST_URL: upstream.url, GUESTS_PER_ADDRESS_PER_HOUR: "100000", MODEL_TITLES: "off" };
try {
  const worker = await startBuiltWorker({ port: PORT + 3, vars: stackVars });
  const floors = await startFloors({ port: PORT + 4, upstream: upstream.url });
  const onWorkerd = await measure(worker.app, upstream.url, floors).finally(() => Promise.all([worker.stop(), floors.stop()]));
  report("Built Worker on workerd (Miniflare from the build's wrangler.json; no front end)", onWorkerd);
  const preview = await startPreviewStack({ port: PORT, env: stackVars });
  const built = await measure(preview.app, upstream.url).finally(() => preview.stop());
  report("Built Worker behind vite preview (its Node front end before workerd)", built);
  if (process.env.DEV === "1") {
    const devStack = await startStack({ port: PORT + 1, enginePort: PORT + 2, env: stackVars });
    const dev = await measure(devStack.app, upstream.url).finally(() => devStack.stop());
    report("Dev runtime (npm run dev: workerd behind Vite's dev server)", dev);
  }
} finally {
  await upstream.close();
}
