/**
 * Worker relay: time to first token and tokens/s of a 2,000-token answer through the Worker
 * (`POST /api/chat`, the UI message stream a browser reads) against the same stream read straight
 * from the upstream, in one run. The upstream is a paced fake Workers AI (bench/paced-upstream.ts)
 * streaming 5,000 tokens/s, so the Worker's own cost is all that differs. Measured twice: in the
 * dev runtime (`npm run dev`: the Worker in workerd behind Vite's dev server) and in a
 * production-like one (the built Worker, `vite build` + `vite preview`, in workerd without Vite's
 * dev server), each with its own upstream baseline. Then where the first-token overhead goes, and
 * the Worker's relay capacity against an upstream that sends the whole answer at once.
 *   npm run bench:relay            RUNS=20 TOKENS=2000 RATE=5000
 */
import { startFakeWorkersAi } from "../e2e/support/fake-workers-ai";
import { startPacedUpstream } from "./paced-upstream";
import {
  fmt,
  median,
  newIdentity,
  percentile,
  startPreviewStack,
  startStack,
  streamChatAnswer,
  streamFromUpstream,
  type StreamSample,
} from "./stack";

const RUNS = Number(process.env.RUNS ?? 20);
const TOKENS = Number(process.env.TOKENS ?? 2000);
const RATE = Number(process.env.RATE ?? 5000);
const WARMUP = 3;
/** Moves the stacks' ports (E2E_PORT_BASE=6400: 6470…; or BENCH_PORT_OFFSET=1000: 6182…), so two checkouts can run this at once. */
const OFFSET = process.env.E2E_PORT_BASE ? Number(process.env.E2E_PORT_BASE) + 70 - 5182 : Number(process.env.BENCH_PORT_OFFSET ?? 0);

type Stack = { app: string; stop: () => void };
const direct = (url: string) => streamFromUpstream(url, TOKENS);
/** The last conversation a chat answer went to: the Durable Object read probe opens it. */
let lastConversation = "";
const viaWorker = async (app: string, cookie: string) => {
  const sample = await streamChatAnswer(app, cookie, Math.min(TOKENS, 8192));
  lastConversation = sample.conversationId;
  return sample;
};
const timed = async (url: string, init?: RequestInit) => {
  const start = performance.now();
  const response = await fetch(url, init);
  await response.arrayBuffer();
  return performance.now() - start;
};
const tps = (s: StreamSample) => s.tokens / ((s.totalMs - s.ttftMs) / 1000);

/** The paced relay, then the first-token breakdown, on one stack. */
async function relay(stack: Stack, upstreamUrl: string) {
  // Each identity has its own rate-limit bucket (30 generating requests a minute) and Durable Object.
  let cookie = await newIdentity(stack.app);
  const d: StreamSample[] = [];
  const w: StreamSample[] = [];
  for (let i = 0; i < RUNS + WARMUP; i++) {
    if (i > 0 && i % 25 === 0) {
      cookie = await newIdentity(stack.app);
      await viaWorker(stack.app, cookie); // warms the new Durable Object
    }
    const a = await direct(upstreamUrl);
    const b = await viaWorker(stack.app, cookie);
    if (b.tokens !== TOKENS) throw new Error(`The Worker relayed ${b.tokens} of ${TOKENS} tokens.`);
    if (i >= WARMUP) d.push(a), w.push(b);
  }

  // Where the first-token overhead goes: the same path with less and less of the Worker behind it.
  const probes = { asset: [] as number[], worker: [] as number[], durableObject: [] as number[] };
  const seeded = lastConversation;
  for (let i = 0; i < RUNS + WARMUP; i++) {
    const asset = await timed(`${stack.app}/favicon.svg`); // a static file: no Worker code
    const worker = await timed(`${stack.app}/api/no-such-route`, { headers: { cookie } }); // + the Worker: Hono, identity HMAC
    const store = await timed(`${stack.app}/api/conversations/${seeded}`, { headers: { cookie } }); // + one Durable Object read
    if (i >= WARMUP) probes.asset.push(asset), probes.worker.push(worker), probes.durableObject.push(store);
  }
  return { d, w, probes };
}

/** Capacity: the e2e fake writes all the tokens at once, so throughput is whatever the reader manages. */
async function capacity(start: (upstreamUrl: string) => Promise<Stack>) {
  const fake = await startFakeWorkersAi();
  fake.setScript({ tokens: TOKENS, tokensPerSecond: 0 });
  const stack = await start(fake.url);
  const bd: StreamSample[] = [];
  const bw: StreamSample[] = [];
  try {
    const cookie = await newIdentity(stack.app);
    for (let i = 0; i < 10 + WARMUP; i++) {
      const a = await direct(fake.url);
      const b = await viaWorker(stack.app, cookie);
      if (i >= WARMUP) bd.push(a), bw.push(b);
    }
  } finally {
    stack.stop();
    await fake.close();
  }
  return { bd, bw };
}

const row = (name: string, s: StreamSample[]) =>
  `  ${name.padEnd(34)} ${fmt(median(s.map((x) => x.ttftMs)), 2).padStart(9)} ${fmt(
    percentile(
      s.map((x) => x.ttftMs),
      90,
    ),
    2,
  ).padStart(9)} ${fmt(median(s.map(tps)), 0).padStart(10)}`;

function report(title: string, front: string, r: Awaited<ReturnType<typeof relay>>, c: Awaited<ReturnType<typeof capacity>>) {
  const { d, w, probes } = r;
  const overhead = median(w.map((x) => x.ttftMs)) - median(d.map((x) => x.ttftMs));
  const ratio = median(w.map(tps)) / median(d.map(tps));
  console.log(`\n${title}: ${TOKENS}-token answers, upstream paced at ${RATE} tokens/s, ${RUNS} runs each (after ${WARMUP} warm-up)`);
  console.log(`  ${"".padEnd(34)} ${"TTFT p50".padStart(9)} ${"TTFT p90".padStart(9)} ${"tokens/s".padStart(10)}`);
  console.log(row("upstream read directly (baseline)", d));
  console.log(row("through the Worker (/api/chat)", w));
  console.log(`  first-token overhead (p50):   ${fmt(overhead, 2)} ms   target ≤ 5 ms   ${overhead <= 5 ? "MET" : "NOT MET"}`);
  console.log(`  throughput ratio (p50):       ${fmt(ratio, 3)}      target ≥ 0.95  ${ratio >= 0.95 ? "MET" : "NOT MET"}`);
  const [a, wk, st] = [median(probes.asset), median(probes.worker), median(probes.durableObject)];
  console.log(`  Where a request's time goes (p50 of ${RUNS} requests each):`);
  console.log(`    ${`${front}, a static file (GET /favicon.svg)`.padEnd(56)} ${fmt(a, 2).padStart(7)} ms`);
  console.log(`    ${"+ the Worker: Hono, identity HMAC (404 route)".padEnd(56)} ${fmt(wk, 2).padStart(7)} ms   (+${fmt(wk - a, 2)})`);
  console.log(
    `    ${"+ one Durable Object read (GET /api/conversations/:id)".padEnd(56)} ${fmt(st, 2).padStart(7)} ms   (+${fmt(st - wk, 2)})`,
  );
  console.log(`  Relay capacity: upstream sends all ${TOKENS} tokens at once (e2e fake, unpaced), 10 runs`);
  console.log(row("upstream read directly", c.bd));
  console.log(row("through the Worker", c.bw));
}

const upstream = await startPacedUpstream({ tokens: TOKENS, tokensPerSecond: RATE });
try {
  // One stack at a time: on 2 cores a second idle stack would still take its share.
  const devStack = await startStack({ port: 5182 + OFFSET, enginePort: 8882 + OFFSET, env: { WORKERS_AI_REST_URL: upstream.url } });
  const dev = await relay(devStack, upstream.url).finally(() => devStack.stop());
  const devCapacity = await capacity((url) =>
    startStack({ port: 5183 + OFFSET, enginePort: 8883 + OFFSET, env: { WORKERS_AI_REST_URL: url } }),
  );
  const previewStack = await startPreviewStack({ port: 5190 + OFFSET, env: { WORKERS_AI_REST_URL: upstream.url } });
  const built = await relay(previewStack, upstream.url).finally(() => previewStack.stop());
  const builtCapacity = await capacity((url) => startPreviewStack({ port: 5191 + OFFSET, env: { WORKERS_AI_REST_URL: url } }));

  report("Dev runtime (npm run dev: workerd behind Vite's dev server)", "Vite dev server", dev, devCapacity);
  report("Built Worker (vite build + vite preview: workerd, no dev server)", "vite preview → workerd assets", built, builtCapacity);
} finally {
  await upstream.close();
}
