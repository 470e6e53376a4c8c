/**
 * Load: N concurrent chat streams through the Worker (Vite dev + workerd), each from its own identity,
 * against the fake Workers AI (TEST DOUBLE, e2e/support/fake-workers-ai.ts) streaming fast, so the
 * figures are the Worker's and the Durable Objects', not a model's. Loopback only; bounded in count
 * and time. Not a test: it prints figures.
 *   npx tsx bench/load.ts                      100 streams of 200 tokens
 *   STREAMS=50 TOKENS=400 TPS=8000 npx tsx bench/load.ts
 *   STREAMS=5 PER_PERSON=5 npx tsx bench/load.ts   5 streams from one person (5 conversations at once)
 */
import { spawn } from "node:child_process";
import { isUiTextDelta, newIdentity, uiFakeTokens } from "./stack";

const STREAMS = Math.min(Number(process.env.STREAMS ?? 100), 1000);
const TOKENS = Number(process.env.TOKENS ?? 200);
/** Each fake stream's pace; the fake sleeps between tokens when this is set (0 = no pause). */
const TPS = Number(process.env.TPS ?? 5000);
const DEADLINE_MS = Math.min(Number(process.env.DEADLINE_MS ?? 120_000), 600_000);
const PORT = Number(process.env.PORT ?? 5186);
const FAKE_PORT = Number(process.env.FAKE_AI_PORT ?? 8896);
const MODEL = "@cf/meta/llama-3.2-1b-instruct";
/** Streams per identity, each in its own conversation: one person's answers run side by side in their Durable Object. */
const PER_PERSON = Math.max(1, Number(process.env.PER_PERSON ?? 1));

interface Sample {
  ok: boolean;
  status: number;
  ttftMs: number;
  totalMs: number;
  tokens: number;
  error?: string;
}

function percentile(values: number[], p: number): number {
  if (!values.length) return NaN;
  const sorted = [...values].sort((a, b) => a - b);
  return sorted[Math.min(sorted.length - 1, Math.ceil((p / 100) * sorted.length) - 1)];
}

async function waitFor(url: string, deadline: number) {
  for (;;) {
    try {
      if ((await fetch(url)).ok) return;
    } catch {
      // not up yet
    }
    if (Date.now() > deadline) throw new Error(`${url} did not answer in time`);
    await new Promise((r) => setTimeout(r, 250));
  }
}

const app = `http://localhost:${PORT}`;
const fake = `http://127.0.0.1:${FAKE_PORT}`;
const stack = spawn(process.execPath, ["--import", "tsx", "e2e/support/fake-stack.ts", String(PORT)], {
  stdio: ["ignore", "ignore", "inherit"],
  env: { ...process.env, FAKE_AI_PORT: String(FAKE_PORT), STACK_STATE_DIR: `.cache/load-state-${PORT}` },
});
const stop = () => stack.exitCode === null && stack.kill("SIGTERM");
process.on("exit", stop);

try {
  await waitFor(`${app}/api/status`, Date.now() + 120_000);
  const script = await fetch(`${fake}/__script`, { method: "PUT", body: JSON.stringify({ tokens: TOKENS, tokensPerSecond: TPS }) });
  if (script.status !== 204) throw new Error(`could not script the fake: HTTP ${script.status}`);

  // One identity per PER_PERSON streams (by default one each, as N different people).
  const people = await Promise.all(Array.from({ length: Math.ceil(STREAMS / PER_PERSON) }, () => newIdentity(app)));
  const cookies = Array.from({ length: STREAMS }, (_, i) => people[Math.floor(i / PER_PERSON)]);
  // Warm-up: one stream, so module loading and the first Durable Object are not in the figures.
  await oneStream(cookies[0], -1, AbortSignal.timeout(30_000));

  const stopAll = AbortSignal.timeout(DEADLINE_MS);
  const started = performance.now();
  const samples = await Promise.all(cookies.map((cookie, i) => oneStream(cookie, i, stopAll)));
  const wallMs = performance.now() - started;

  const ok = samples.filter((s) => s.ok);
  const errors = samples.filter((s) => !s.ok);
  const tokens = ok.reduce((n, s) => n + s.tokens, 0);
  const ttft = ok.map((s) => s.ttftMs);
  const total = ok.map((s) => s.totalMs);
  const stats = (await (await fetch(`${fake}/__stats`)).json()) as { calls: number; open: number };
  console.log(
    `load: ${STREAMS} concurrent chat streams, ${TOKENS} tokens each (fake upstream at ${TPS || "unpaced"} tokens/s per stream), ${PER_PERSON === 1 ? "one identity each" : `${PER_PERSON} per identity`}, through Vite dev + workerd`,
  );
  console.log(`wall time          ${(wallMs / 1000).toFixed(2)} s`);
  console.log(`completed          ${ok.length}/${STREAMS} streams`);
  console.log(
    `throughput         ${(ok.length / (wallMs / 1000)).toFixed(1)} streams/s, ${(tokens / (wallMs / 1000)).toFixed(0)} tokens/s`,
  );
  console.log(
    `TTFT               p50 ${percentile(ttft, 50).toFixed(0)} ms, p95 ${percentile(ttft, 95).toFixed(0)} ms, p99 ${percentile(ttft, 99).toFixed(0)} ms`,
  );
  console.log(
    `stream duration    p50 ${percentile(total, 50).toFixed(0)} ms, p95 ${percentile(total, 95).toFixed(0)} ms, p99 ${percentile(total, 99).toFixed(0)} ms`,
  );
  console.log(`upstream           ${stats.calls} calls, ${stats.open} still open`);
  const byKind = new Map<string, number>();
  for (const e of errors) byKind.set(`HTTP ${e.status}: ${e.error}`, (byKind.get(`HTTP ${e.status}: ${e.error}`) ?? 0) + 1);
  console.log(`errors             ${errors.length}${errors.length ? "" : " (every stream finished with all its tokens)"}`);
  for (const [kind, n] of byKind) console.log(`  ${n}× ${kind.slice(0, 200)}`);
  process.exitCode = errors.length ? 1 : 0;
} finally {
  stop();
}

async function oneStream(cookie: string, i: number, signal: AbortSignal): Promise<Sample> {
  const start = performance.now();
  const id = `load${String(i + 1).padStart(4, "0")}${"x".repeat(14)}`;
  let status = 0;
  try {
    const response = await fetch(`${app}/api/chat`, {
      method: "POST",
      signal,
      headers: { "content-type": "application/json", cookie },
      body: JSON.stringify({
        id,
        model: MODEL,
        messages: [{ id: `m${i}`, role: "user", parts: [{ type: "text", text: `Load question ${i}` }] }],
      }),
    });
    status = response.status;
    if (!response.ok) return { ok: false, status, ttftMs: 0, totalMs: 0, tokens: 0, error: (await response.text()).slice(0, 200) };
    const decoder = new TextDecoder();
    let buffer = "";
    let ttftMs = 0;
    let tokens = 0;
    let finished = false;
    let error: string | undefined;
    for await (const chunk of response.body as unknown as AsyncIterable<Uint8Array>) {
      buffer += decoder.decode(chunk, { stream: true });
      const lines = buffer.split("\n");
      buffer = lines.pop() ?? "";
      for (const line of lines) {
        if (isUiTextDelta(line)) {
          tokens += uiFakeTokens(line);
          if (!ttftMs) ttftMs = performance.now() - start;
        } else if (line.startsWith('data: {"type":"finish"')) finished = true;
        else if (line.startsWith('data: {"type":"error"')) error = line.slice(6, 200);
      }
    }
    // The fake's tokens ("w0 w1 …") counted in the text, not per delta: a relay that falls behind
    // merges what has arrived (worker/ai/merge-arrived.ts), so one delta may carry several.
    const ok = finished && !error && tokens >= TOKENS;
    return {
      ok,
      status,
      ttftMs,
      totalMs: performance.now() - start,
      tokens,
      error: error ?? (ok ? undefined : `finished ${finished}, ${tokens}/${TOKENS} tokens`),
    };
  } catch (e) {
    return { ok: false, status, ttftMs: 0, totalMs: performance.now() - start, tokens: 0, error: String(e).slice(0, 200) };
  }
}
