/**
 * Relay anatomy: where the Worker relay's per-token cost goes, layer by layer, inside workerd.
 * Small bench-only routes (bench/relay-anatomy.worker.ts, bundled with esbuild and run by Miniflare,
 * the workerd launcher `vite dev` and `vite preview` use) relay the same 2,000-token answer through
 * one more of the layers `POST /api/chat` stacks each, from the passthrough of the upstream body to
 * the product's own streamAnswer. Each layer is timed against the upstream read directly in the same
 * run, for two upstreams: paced at 5,000 tokens/s (bench/paced-upstream.ts, as bench:relay) and one
 * that sends the whole answer at once (the e2e fake, unpaced), where time per token is the layer's
 * own cost. No Vite, Durable Object, rate limit or history save here: bench:relay measures those.
 *   npm run bench:relay-anatomy      RUNS=8 REPEATS=3 TOKENS=2000 RATE=5000
 */
import { execSync } from "node:child_process";
import { build } from "esbuild";
import { convertV4MiniflareOptions, Miniflare } from "miniflare";
import { startFakeWorkersAi } from "../e2e/support/fake-workers-ai";
import { startPacedUpstream } from "./paced-upstream";
import { drain, layer, memorySource } from "./relay-anatomy.worker";
import { fakeTokens, fmt, median, streamFromUpstream, timeStream, type StreamSample } from "./stack";

const RUNS = Number(process.env.RUNS ?? 8);
const REPEATS = Number(process.env.REPEATS ?? 3);
const TOKENS = Number(process.env.TOKENS ?? 2000);
const RATE = Number(process.env.RATE ?? 5000);
const WARMUP = 2;
const PORTS = { worker: 8893, paced: 8894, burst: 8895 };

const LAYERS = [
  ["1", "workerd passes the upstream body through"],
  ["2", "+ every chunk read in JS (identity TransformStream)"],
  ["3", "workers-ai-provider + streamText (textStream → bytes)"],
  ["4", "+ toUIMessageStream + createUIMessageStreamResponse"],
  ["5p", "+ guardModelStream as it was (timer + race per piece)"],
  ["5", "+ guardModelStream"],
  ["6", "+ the seam (retries, gateway)"],
  ["7", "the product's streamAnswer (metadata, onEnd, signal)"],
] as const;

const direct = (upstream: string) => streamFromUpstream(upstream, TOKENS, fakeTokens);
const tps = (s: StreamSample) => s.tokens / ((s.totalMs - s.ttftMs) / 1000);
const load = () =>
  execSync("uptime")
    .toString()
    .trim()
    .replace(/^.*load average/, "load average");

const bundle = await build({
  entryPoints: ["bench/relay-anatomy.worker.ts"],
  bundle: true,
  format: "esm",
  platform: "neutral",
  target: "es2023",
  conditions: ["workerd", "worker", "browser"],
  mainFields: ["module", "main"],
  external: ["node:*", "cloudflare:*"],
  write: false,
  logLevel: "error",
});

const paced = await startPacedUpstream({ tokens: TOKENS, tokensPerSecond: RATE, port: PORTS.paced });
const burst = await startFakeWorkersAi(PORTS.burst);
burst.setScript({ tokens: TOKENS, tokensPerSecond: 0 });
// The v4-style options @cloudflare/vite-plugin also passes through convertV4MiniflareOptions.
const mf = new Miniflare(
  convertV4MiniflareOptions({
    host: "127.0.0.1",
    port: PORTS.worker,
    workers: [
      {
        name: "relay-anatomy",
        modules: [{ type: "ESModule", path: "worker.mjs", contents: bundle.outputFiles[0].text }],
        compatibilityDate: "2026-10-12",
        compatibilityFlags: ["nodejs_compat", "enable_request_signal"],
        bindings: { paced: paced.url, burst: burst.url },
      },
    ],
  }),
);

const HOPS = [0, 1, 2, 4, 8];
/** Milliseconds for one in-isolate request (`/mem/<layer>`, `/hops/<n>`), checked for every token. */
async function inIsolate(url: string): Promise<number> {
  const start = performance.now();
  const { tokens } = (await (await fetch(url)).json()) as { tokens: number };
  const ms = performance.now() - start;
  if (tokens !== TOKENS) throw new Error(`${url}: ${tokens} of ${TOKENS} tokens`);
  return ms;
}
/** The same in-memory layers in this Node process (same code, Node's streams instead of workerd's). */
async function inNode(route: string): Promise<number> {
  const start = performance.now();
  const ctx = { waitUntil: () => {}, passThroughOnException: () => {} } as unknown as ExecutionContext;
  const response = await layer(route, memorySource(TOKENS), TOKENS, new Request("http://bench.invalid/"), ctx);
  const { tokens } = await drain(response.body!);
  if (tokens !== TOKENS) throw new Error(`node /mem/${route}: ${tokens} of ${TOKENS} tokens`);
  return performance.now() - start;
}
const memory: { workerd: number[][]; node: number[][]; hops: number[][] } = { workerd: [], node: [], hops: [] };

type Figures = { ttft: number; tps: number; events: number }[]; // per repeat: [upstream, layer 1, ...]
const results: Record<"paced" | "burst", Figures[]> = { paced: [], burst: [] };
try {
  const base = (await mf.ready).toString().replace(/\/$/, "");
  console.log(`Relay anatomy: ${TOKENS}-token answers, ${RUNS} runs per layer (after ${WARMUP} warm-up), ${REPEATS} repeats; ${load()}`);
  for (let repeat = 0; repeat < REPEATS; repeat++) {
    for (const kind of ["paced", "burst"] as const) {
      const upstreamUrl = kind === "paced" ? paced.url : burst.url;
      const samples: StreamSample[][] = Array.from({ length: LAYERS.length + 1 }, () => []);
      for (let i = 0; i < RUNS + WARMUP; i++) {
        // Interleaved, so a busy moment on the shared machine lands on every layer alike.
        const run = [await direct(upstreamUrl)];
        for (const [route] of LAYERS) run.push(await timeStream(`${base}/${route}?tokens=${TOKENS}&upstream=${kind}`, {}, fakeTokens));
        for (const [j, s] of run.entries()) {
          if (s.tokens !== TOKENS)
            throw new Error(`${kind} ${j === 0 ? "upstream" : `layer ${LAYERS[j - 1][0]}`}: ${s.tokens} of ${TOKENS} tokens`);
          if (i >= WARMUP) samples[j].push(s);
        }
      }
      results[kind].push(
        samples.map((s) => ({ ttft: median(s.map((x) => x.ttftMs)), tps: median(s.map(tps)), events: median(s.map((x) => x.events)) })),
      );
    }
    // In the isolate, no sockets: a layer's CPU time per token, and one stream stage's.
    const mem: number[][] = LAYERS.map(() => []);
    const node: number[][] = LAYERS.map(() => []);
    const hops: number[][] = HOPS.map(() => []);
    for (let i = 0; i < RUNS + WARMUP; i++) {
      for (const [j, [route]] of LAYERS.entries()) {
        const a = await inIsolate(`${base}/mem/${route}?tokens=${TOKENS}`);
        const b = await inNode(route);
        if (i >= WARMUP) mem[j].push(a), node[j].push(b);
      }
      for (const [j, n] of HOPS.entries()) {
        const a = await inIsolate(`${base}/hops/${n}?tokens=${TOKENS}`);
        if (i >= WARMUP) hops[j].push(a);
      }
    }
    memory.workerd.push(mem.map(median));
    memory.node.push(node.map(median));
    memory.hops.push(hops.map(median));
    console.log(`  repeat ${repeat + 1}/${REPEATS} done; ${load()}`);
  }
} finally {
  await mf.dispose();
  await paced.close();
  await burst.close();
}

for (const kind of ["paced", "burst"] as const) {
  const reps = results[kind];
  const med = (j: number, key: "ttft" | "tps" | "events") => median(reps.map((r) => r[j][key]));
  const up = { ttft: med(0, "ttft"), tps: med(0, "tps") };
  const title = kind === "paced" ? `Upstream paced at ${RATE} tokens/s` : `Upstream sends all ${TOKENS} tokens at once (e2e fake, unpaced)`;
  console.log(`\n${title}: medians of ${REPEATS} repeat medians (each of ${RUNS} runs); per-repeat tokens/s in brackets`);
  console.log(
    `  ${"".padEnd(56)} ${"TTFT ms".padStart(8)} ${"+ms".padStart(6)} ${"tokens/s".padStart(9)} ${"ratio".padStart(6)} ${"µs/token".padStart(9)} ${"+µs".padStart(6)} ${"events".padStart(6)}`,
  );
  let previous = 1e6 / up.tps;
  const line = (j: number, name: string) => {
    const t = med(j, "tps");
    const us = 1e6 / t;
    const delta = j === 0 ? "" : fmt(us - previous, 0);
    if (j > 0) previous = us;
    const each = reps.map((r) => fmt(r[j].tps, 0)).join(" ");
    console.log(
      `  ${name.padEnd(56)} ${fmt(med(j, "ttft"), 2).padStart(8)} ${(j === 0 ? "" : fmt(med(j, "ttft") - up.ttft, 2)).padStart(6)} ${fmt(t, 0).padStart(9)} ${fmt(t / up.tps, 3).padStart(6)} ${fmt(us, 0).padStart(9)} ${delta.padStart(6)} ${fmt(med(j, "events"), 0).padStart(6)}   [${each}]`,
    );
  };
  line(0, "upstream read directly (baseline)");
  LAYERS.forEach(([route, name], i) => line(i + 1, `${route}. ${name}`));
}
{
  const us = (ms: number) => (ms * 1000) / TOKENS;
  const med = (reps: number[][], j: number) => median(reps.map((r) => r[j]));
  console.log(`\nIn the isolate, upstream held in memory (one SSE event per chunk), answer read inside the Worker: CPU per token`);
  console.log(
    `  ${"".padEnd(56)} ${"workerd µs/token".padStart(17)} ${"+µs".padStart(6)} ${"Node µs/token".padStart(14)} ${"+µs".padStart(6)}`,
  );
  let pw = 0;
  let pn = 0;
  LAYERS.forEach(([route, name], j) => {
    const w = us(med(memory.workerd, j));
    const n = us(med(memory.node, j));
    console.log(
      `  ${`${route}. ${name}`.padEnd(56)} ${fmt(w, 1).padStart(17)} ${(j ? fmt(w - pw, 1) : "").padStart(6)} ${fmt(n, 1).padStart(14)} ${(j ? fmt(n - pn, 1) : "").padStart(6)}`,
    );
    pw = w;
    pn = n;
  });
  const h0 = us(med(memory.hops, 0));
  console.log(
    `  One identity TransformStream stage in workerd, per chunk: ${HOPS.slice(1)
      .map((n, k) => `${n} stages +${fmt((us(med(memory.hops, k + 1)) - h0) / n, 1)} µs`)
      .join(", ")} (0 stages: ${fmt(h0, 1)} µs/token)`,
  );
}
console.log(`\n+ms: TTFT over the upstream's; µs/token: 1e6 / tokens/s; +µs: over the layer above; ${load()}`);
