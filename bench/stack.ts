import { spawn, type ChildProcess } from "node:child_process";

/**
 * Starts the app stack (Vite + Worker + local engine) on its own ports for a benchmark. The local
 * engine answers unless `env.WORKERS_AI_REST_URL` names another upstream (a fake one, say).
 */
export async function startStack(options: { port: number; enginePort: number; env?: Record<string, string> }) {
  const child: ChildProcess = spawn(process.execPath, ["--import", "tsx", "e2e/stack.ts", String(options.port)], {
    stdio: ["ignore", "ignore", "inherit"],
    env: { ...process.env, WORKERS_AI_REST_URL: "", LOCAL_ENGINE_PORT: String(options.enginePort), STACK_STATE_DIR: `.cache/bench-state-${options.port}`, ...options.env },
  });
  const base = `http://localhost:${options.port}`;
  const deadline = Date.now() + 120_000;
  for (;;) {
    try {
      const status = (await (await fetch(`${base}/api/status`)).json()) as { engine?: { ready: boolean } };
      if (status.engine?.ready) break;
    } catch {
      // not up yet
    }
    if (Date.now() > deadline || child.exitCode !== null) throw new Error("The stack did not start.");
    await new Promise((r) => setTimeout(r, 250));
  }
  return {
    app: base,
    engine: `http://127.0.0.1:${options.enginePort}/client/v4/accounts/local/ai`,
    pid: child.pid!,
    stop: () => child.kill("SIGTERM"),
  };
}

export function percentile(values: number[], p: number): number {
  const sorted = [...values].sort((a, b) => a - b);
  return sorted[Math.min(sorted.length - 1, Math.floor((p / 100) * sorted.length))];
}

export function median(values: number[]): number {
  return percentile(values, 50);
}

export interface StreamSample {
  /** From sending the request to the first token line. */
  ttftMs: number;
  totalMs: number;
  tokens: number;
}

/** Reads a streamed response, counting the lines `isToken` accepts; times the first one and the end. */
export async function timeStream(url: string, init: RequestInit, isToken: (line: string) => boolean): Promise<StreamSample> {
  const start = performance.now();
  const response = await fetch(url, init);
  if (!response.ok) throw new Error(`${url}: HTTP ${response.status} ${await response.text()}`);
  const decoder = new TextDecoder();
  let buffer = "";
  let ttftMs = 0;
  let tokens = 0;
  for await (const chunk of response.body as unknown as AsyncIterable<Uint8Array>) {
    buffer += decoder.decode(chunk, { stream: true });
    const lines = buffer.split("\n");
    buffer = lines.pop() ?? "";
    for (const line of lines) {
      if (!isToken(line)) continue;
      tokens++;
      if (!ttftMs) ttftMs = performance.now() - start;
    }
  }
  return { ttftMs, totalMs: performance.now() - start, tokens };
}

/** Workers AI SSE (legacy format): a line with a non-empty response piece. */
export const isWorkersAiToken = (line: string) => line.startsWith('data: {"response":"') && !line.startsWith('data: {"response":""');
/** AI SDK UI message stream (what `POST /api/chat` sends a browser): a text delta. */
export const isUiTextDelta = (line: string) => line.startsWith('data: {"type":"text-delta"');

/** A new identity cookie from the stack (each has its own Durable Object and rate-limit bucket). */
export async function newIdentity(app: string): Promise<string> {
  const response = await fetch(`${app}/api/conversations`);
  return response.headers.get("set-cookie")!.split(";")[0];
}

export const fmt = (n: number, digits = 1) => n.toFixed(digits);
