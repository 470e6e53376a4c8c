/**
 * Relay cost per answer, A/B: Worker + Durable Object CPU per 1,000-token answer, time to first
 * token and tokens/s of `POST /api/chat` (through the person's Durable Object) and of a streamed
 * `POST /v1/chat/completions`, in the built Worker (`vite build` + `vite preview`), against
 *   - a raw pass-through of the upstream body (a Worker that returns `fetch(upstream).body`), and
 *   - optionally a baseline build of another commit (BASELINE_DIR: a checkout with its own
 *     `.cache/bench-relay-build`, e.g. `git archive <commit> | tar -x -C dir`, then `vite build`),
 * all in one run, interleaved round by round so a busy moment on the shared machine lands on each
 * alike. CPU is workerd's own (user + system, /proc/<pid>/stat, all its threads): the Worker, the
 * Durable Objects and the runtime's I/O, not the HTTP front end before it (vite preview's Node proxy)
 * nor the client. Its resolution is the kernel's clock tick (10 ms), so each figure is the total of
 * ANSWERS answers divided by ANSWERS.
 *   npm run bench:relay-cpu      ROUNDS=3 ANSWERS=10 TOKENS=1000 RATE=5000 BASELINE_DIR=
 */
import { execSync } from "node:child_process";
import { readFileSync } from "node:fs";
import { startPacedUpstream } from "./paced-upstream";
import {
  fmt,
  median,
  personWithKey,
  startFloors,
  startPreviewStack,
  streamChatAnswer,
  streamFromUpstream,
  streamV1Answer,
  type StreamSample,
} from "./stack";

const ROUNDS = Number(process.env.ROUNDS ?? 3);
const ANSWERS = Number(process.env.ANSWERS ?? 10);
const TOKENS = Number(process.env.TOKENS ?? 1000);
const RATE = Number(process.env.RATE ?? 5000);
const WARMUP = 3;
const BASE_PORT = process.env.E2E_PORT_BASE ? Number(process.env.E2E_PORT_BASE) + 60 : 5260;
const load = () =>
  execSync("uptime")
    .toString()
    .trim()
    .replace(/^.*load average/, "load average");

/** Seconds of CPU workerd `pid` has used, all threads (utime + stime, in clock ticks). */
function cpuSeconds(pid: number): number {
  const stat = readFileSync(`/proc/${pid}/stat`, "utf8");
  const fields = stat.slice(stat.lastIndexOf(")") + 2).split(" ");
  const ticks = Number(execSync("getconf CLK_TCK").toString()) || 100;
  return (Number(fields[11]) + Number(fields[12])) / ticks;
}

/** workerd processes under `root` (any depth). */
function workerdUnder(root: number): number[] {
  const rows = execSync("ps -eo pid=,ppid=,comm=")
    .toString()
    .trim()
    .split("\n")
    .map((line) => line.trim().split(/\s+/));
  const children = new Map<number, number[]>();
  for (const [pid, ppid] of rows) children.set(Number(ppid), [...(children.get(Number(ppid)) ?? []), Number(pid)]);
  const found: number[] = [];
  const walk = (pid: number) => {
    for (const child of children.get(pid) ?? []) {
      if (rows.find((r) => Number(r[0]) === child)?.[2] === "workerd") found.push(child);
      walk(child);
    }
  };
  walk(root);
  return found;
}

const upstream = await startPacedUpstream({ tokens: TOKENS, tokensPerSecond: RATE });
const direct = () => streamFromUpstream(upstream.url, TOKENS);

// The raw pass-through: a Worker that only fetches the upstream and returns its body (the floors'
// `bare`; their limiters and Durable Object idle here).
const floors = await startFloors({ port: BASE_PORT, upstream: upstream.url });
const passThrough = () => streamFromUpstream(floors.bare, TOKENS);
const [passPid] = workerdUnder(process.pid);

interface Variant {
  name: string;
  app: string;
  workerd: number;
  stop: () => void;
  person: { cookie: string; key: string; used: number };
}

/** A person with an API key; a fresh one before the 30-a-minute rate limit. */
const person = async (app: string) => ({ ...(await personWithKey(app)), used: 0 });

// Every budget off and guests unlimited: the bench makes many people and answers; the ledger still reserves and settles each.
const stackEnv = {
  WORKERS_AI_REST_URL: upstream.url,
  GUESTS_PER_ADDRESS_PER_HOUR: "100000",
  GUEST_DAILY_NEURONS: "0",
  ACCOUNT_DAILY_NEURONS: "0",
  GLOBAL_DAILY_NEURONS: "0",
};
async function startVariant(name: string, port: number, cwd?: string): Promise<Variant> {
  const before = new Set(workerdUnder(process.pid));
  const stack = await startPreviewStack({ port, env: stackEnv, cwd });
  const workerd = workerdUnder(stack.pid).find((pid) => !before.has(pid));
  if (!workerd) throw new Error(`No workerd under ${name}'s vite preview.`);
  return { name, app: stack.app, workerd, stop: stack.stop, person: await person(stack.app) };
}

async function answer(variant: Variant, route: "chat" | "v1"): Promise<StreamSample> {
  if (variant.person.used++ >= 25) variant.person = await person(variant.app);
  return route === "chat"
    ? streamChatAnswer(variant.app, variant.person.cookie, TOKENS)
    : streamV1Answer(variant.app, variant.person.key, TOKENS);
}

/** Tokens in a UI text delta or a chat.completion.chunk that merged several upstream events. */
const tps = (s: StreamSample) => TOKENS / ((s.totalMs - s.ttftMs) / 1000);

type Series = { cpuMs: number[]; ttft: number[]; tps: number[]; events: number[] };
const series = new Map<string, Series>();
const record = (name: string, cpuMs: number, samples: StreamSample[]) => {
  const s = series.get(name) ?? { cpuMs: [], ttft: [], tps: [], events: [] };
  s.cpuMs.push(cpuMs);
  s.ttft.push(...samples.map((x) => x.ttftMs));
  s.tps.push(...samples.map(tps));
  s.events.push(...samples.map((x) => x.events));
  series.set(name, s);
};

async function measure(name: string, pid: number, one: () => Promise<StreamSample>) {
  const samples: StreamSample[] = [];
  const before = cpuSeconds(pid);
  for (let i = 0; i < ANSWERS; i++) samples.push(await one());
  const cpuMs = ((cpuSeconds(pid) - before) * 1000) / ANSWERS;
  for (const s of samples)
    if (s.tokens !== TOKENS && !name.includes("upstream")) throw new Error(`${name}: ${s.tokens} of ${TOKENS} tokens`);
  record(name, cpuMs, samples);
}

const variants: Variant[] = [];
console.log(
  `Relay CPU: ${TOKENS}-token answers, upstream paced at ${RATE} tokens/s, ${ROUNDS} rounds of ${ANSWERS} answers per row (after ${WARMUP} warm-up); ${load()}`,
);
try {
  variants.push(await startVariant("this build", BASE_PORT + 1));
  if (process.env.BASELINE_DIR) variants.push(await startVariant("baseline", BASE_PORT + 2, process.env.BASELINE_DIR));
  for (const v of variants) for (let i = 0; i < WARMUP; i++) await answer(v, "chat"), await answer(v, "v1");
  for (let i = 0; i < WARMUP; i++) await passThrough();
  for (let round = 0; round < ROUNDS; round++) {
    await measure("upstream read directly", passPid, direct); // the pass-through workerd idles: its CPU here is its floor
    await measure("raw pass-through Worker", passPid, passThrough);
    for (const v of variants) {
      await measure(`${v.name}: POST /api/chat`, v.workerd, () => answer(v, "chat"));
      await measure(`${v.name}: POST /v1/chat/completions`, v.workerd, () => answer(v, "v1"));
    }
    console.log(`  round ${round + 1}/${ROUNDS} done; ${load()}`);
  }
} finally {
  for (const v of variants) v.stop();
  await floors.stop();
  await upstream.close();
}

const base = series.get("upstream read directly")!;
const baseTtft = median(base.ttft);
const baseTps = median(base.tps);
const per1000 = (ms: number) => (ms * 1000) / TOKENS;
console.log(
  `\n  ${"".padEnd(40)} ${"CPU ms/1k tok".padStart(14)} ${"(rounds)".padEnd(20)} ${"TTFT p50".padStart(9)} ${"+ms".padStart(7)} ${"tokens/s".padStart(9)} ${"ratio".padStart(6)} ${"events".padStart(7)}`,
);
for (const [name, s] of series) {
  const cpu = per1000(median(s.cpuMs));
  const ttft = median(s.ttft);
  const rate = median(s.tps);
  console.log(
    `  ${name.padEnd(40)} ${fmt(cpu, 1).padStart(14)} ${`[${s.cpuMs.map((x) => fmt(per1000(x), 0)).join(" ")}]`.padEnd(20)} ${fmt(ttft, 2).padStart(9)} ${fmt(ttft - baseTtft, 2).padStart(7)} ${fmt(rate, 0).padStart(9)} ${fmt(rate / baseTps, 3).padStart(6)} ${fmt(median(s.events), 0).padStart(7)}`,
  );
}
console.log(
  `\nCPU: workerd's user + system time over each row's answers, per ${TOKENS.toLocaleString("en-US")} tokens (median of rounds; each round's in brackets). "upstream read directly" is the idle floor of the pass-through's workerd. events: lines with tokens the client read (fewer than tokens when events merged). ${load()}`,
);
