/**
 * What a tool round trip costs the app (issue 23): the time and CPU one tool step adds to a chat
 * answer, the model's and the tool's own time left out. The built Worker on workerd
 * (`startBuiltWorker`) answers `POST /api/chat` in the person's Durable Object against a scripted
 * Workers AI upstream that thinks THINK_MS per call: asked with a tool on and no tool result in the
 * prompt, it calls `calculate` ("2+2", in the OpenAI shape Workers AI streams); otherwise it says one
 * word. Rounds alternate N answers with the tool on (two model calls) and N with none (one call,
 * the plain path), so a busy moment on the shared machine lands on both.
 *
 * Per tool answer the upstream itself sees the app's share of the round trip: from the end of its
 * first answer (the tool call) to the arrival of the second call (the Worker read the call, ran the
 * tool, reserved the next step, built the next prompt). The tool's own time (calculate's, timed
 * here in Node) is taken out of it. Also shown: each answer's wall time less its model calls, for
 * the tool answers and the plain ones, and workerd's CPU (/proc/<pid>/stat, 10 ms ticks, so the
 * total over a round divided by its answers) for both; their difference is the CPU of one tool step.
 *   npm run bench:tool-step        N=20 ROUNDS=3 THINK_MS=40
 */
import { execSync } from "node:child_process";
import { readFileSync } from "node:fs";
import { createServer } from "node:http";
import type { AddressInfo } from "node:net";
import { randomId } from "../contract/ids";
import { DEFAULT_CHAT_MODEL } from "../contract/models";
import { calculate } from "../worker/tools/builtins/calculate";
import { fmt, median, newIdentity, startBuiltWorker } from "./stack";

const N = Number(process.env.N ?? 20);
const ROUNDS = Number(process.env.ROUNDS ?? 3);
const THINK_MS = Number(process.env.THINK_MS ?? 40);
const PAUSE_MS = 50;
const base = process.env.E2E_PORT_BASE ? Number(process.env.E2E_PORT_BASE) : 5100;
const TARGET_MS = 20;

/** One model call as the upstream saw it (performance.now(), the clock this process shares with the client). */
interface Call {
  arrived: number;
  ended: number;
  toolResult: boolean;
}

const calls: Call[] = [];
const server = createServer((req, res) => {
  const arrived = performance.now();
  let body = "";
  req.on("data", (chunk) => (body += chunk));
  req.on("end", () => {
    if (req.url === "/local/status") return res.writeHead(200, { "content-type": "application/json" }).end('{"ready":true}');
    if (req.method !== "POST" || !/\/ai\/run\//.test(req.url ?? "")) return res.writeHead(404).end();
    const inputs = JSON.parse(body) as { messages: { role: string }[]; tools?: unknown[] };
    const toolResult = inputs.messages.some((m) => m.role === "tool");
    const call: Call = { arrived, ended: Number.NaN, toolResult };
    calls.push(call);
    setTimeout(() => {
      res.writeHead(200, { "content-type": "text/event-stream", "cache-control": "no-cache" });
      const events = inputs.tools?.length && !toolResult ? toolCall() : [{ response: "Four." }];
      const usage = { prompt_tokens: 300, completion_tokens: 5, total_tokens: 305 };
      res.end(`${[...events, { response: "", usage }].map((e) => `data: ${JSON.stringify(e)}\n\n`).join("")}data: [DONE]\n\n`);
      call.ended = performance.now();
    }, THINK_MS);
  });
});
const toolCall = () => [
  {
    choices: [
      {
        delta: {
          tool_calls: [{ index: 0, id: "call_0", type: "function", function: { name: "calculate", arguments: '{"expression":"2+2"}' } }],
        },
        finish_reason: null,
      },
    ],
  },
  { choices: [{ delta: {}, finish_reason: "tool_calls" }] },
];
await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
const upstream = `http://127.0.0.1:${(server.address() as AddressInfo).port}/client/v4/accounts/bench/ai`;

/** The tool's own time, the same code in Node's V8. */
const toolMs = (() => {
  for (let i = 0; i < 200; i++) calculate("2+2");
  const times: number[] = [];
  for (let i = 0; i < 500; i++) {
    const t = performance.now();
    calculate("2+2");
    times.push(performance.now() - t);
  }
  return median(times);
})();

const before = new Set(workerdUnder(process.pid));
const app = await startBuiltWorker({
  port: base + 140,
  vars: {
    WORKERS_AI_REST_URL: upstream,
    MODEL_TITLES: "off",
    GUESTS_PER_ADDRESS_PER_HOUR: "100000",
    GUEST_DAILY_NEURONS: "0",
    GLOBAL_DAILY_NEURONS: "0",
    ADDRESS_DAILY_NEURONS: "0",
    ADDRESS_BLOCK_DAILY_NEURONS: "0",
  },
});
const workerd = workerdUnder(process.pid).filter((pid) => !before.has(pid));
if (!workerd.length) throw new Error("No workerd started for the app.");

let cookie = await newIdentity(app.app);
let asked = 0;
/** One answer to "What is 2+2?"; the app's own time (wall less its model calls) and, with the tool, the round trip's gap. */
async function answer(withTool: boolean): Promise<{ appMs: number; gapMs?: number }> {
  // A new person before the per-person request limit.
  if (++asked % 20 === 0) cookie = await newIdentity(app.app);
  const first = calls.length;
  const sent = performance.now();
  const response = await fetch(`${app.app}/api/chat`, {
    method: "POST",
    headers: { "content-type": "application/json", cookie },
    body: JSON.stringify({
      id: randomId(),
      messages: [{ id: randomId(), role: "user", parts: [{ type: "text", text: "What is 2+2?" }] }],
      model: DEFAULT_CHAT_MODEL,
      tools: withTool ? ["calculate"] : [],
    }),
  });
  const text = await response.text();
  const done = performance.now();
  if (!response.ok || !text.includes("Four.")) throw new Error(`Unexpected answer (${response.status}): ${text.slice(0, 300)}`);
  const mine = calls.slice(first);
  if (mine.length !== (withTool ? 2 : 1))
    throw new Error(`${mine.length} model calls for one answer ${withTool ? "with" : "without"} a tool.`);
  const modelMs = mine.reduce((sum, call) => sum + (call.ended - call.arrived), 0);
  return { appMs: done - sent - modelMs, ...(withTool ? { gapMs: mine[1].arrived - mine[0].ended } : {}) };
}

const cpuMs = () => workerd.reduce((sum, pid) => sum + cpuSeconds(pid), 0) * 1000;
const series = {
  tool: { app: [] as number[], gap: [] as number[], cpu: [] as number[] },
  plain: { app: [] as number[], cpu: [] as number[] },
};
try {
  for (let i = 0; i < 5; i++) {
    await answer(true);
    await answer(false);
  }
  for (let round = 0; round < ROUNDS; round++) {
    for (const withTool of round % 2 ? [false, true] : [true, false]) {
      const cpuBefore = cpuMs();
      for (let i = 0; i < N; i++) {
        const sample = await answer(withTool);
        if (withTool) {
          series.tool.app.push(sample.appMs);
          series.tool.gap.push(sample.gapMs! - toolMs);
        } else series.plain.app.push(sample.appMs);
        await new Promise((resolve) => setTimeout(resolve, PAUSE_MS));
      }
      (withTool ? series.tool.cpu : series.plain.cpu).push((cpuMs() - cpuBefore) / N);
    }
  }
  const gap = median(series.tool.gap);
  const extraApp = median(series.tool.app) - median(series.plain.app);
  const extraCpu = median(series.tool.cpu) - median(series.plain.cpu);
  console.log(`bench:tool-step  N=${N} ROUNDS=${ROUNDS} THINK_MS=${THINK_MS}  ${load()}`);
  console.log(`  calculate's own time (Node, median):              ${fmt(toolMs, 3)} ms (taken out below)`);
  console.log(
    `  tool round trip, the app's time (upstream gap):   ${fmt(gap, 2)} ms median, p90 ${fmt(p90(series.tool.gap), 2)} ms  target <= ${TARGET_MS} ms: ${gap <= TARGET_MS ? "met" : "NOT met"}`,
  );
  console.log(`  answer's own time, wall less model calls:`);
  console.log(`    with one tool step (2 model calls):             ${fmt(median(series.tool.app), 2)} ms median`);
  console.log(`    no tool (baseline, 1 model call):                ${fmt(median(series.plain.app), 2)} ms median`);
  console.log(`    difference (one tool step):                      ${fmt(extraApp, 2)} ms`);
  console.log(
    `  workerd CPU per answer: with a tool step ${fmt(median(series.tool.cpu), 1)} ms [${series.tool.cpu.map((x) => fmt(x, 1)).join(" ")}], no tool ${fmt(median(series.plain.cpu), 1)} ms [${series.plain.cpu.map((x) => fmt(x, 1)).join(" ")}]`,
  );
  console.log(`  CPU of one tool step (difference):                 ${fmt(extraCpu, 1)} ms`);
} finally {
  await app.stop();
  server.close();
}

function p90(values: number[]): number {
  const sorted = [...values].sort((a, b) => a - b);
  return sorted[Math.min(sorted.length - 1, Math.floor(sorted.length * 0.9))];
}

function load(): string {
  return execSync("uptime")
    .toString()
    .trim()
    .replace(/^.*load average/, "load average");
}

/** Seconds of CPU process `pid` has used, all threads (utime + stime, in clock ticks). */
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
