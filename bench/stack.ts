import { spawn, type ChildProcess } from "node:child_process";

/** Starts the app stack (Vite + Worker + local engine) on its own ports for a benchmark. */
export async function startStack(options: { port: number; enginePort: number; env?: Record<string, string> }) {
  const child: ChildProcess = spawn(process.execPath, ["--import", "tsx", "e2e/stack.ts", String(options.port)], {
    stdio: ["ignore", "ignore", "inherit"],
    env: { ...process.env, LOCAL_ENGINE_PORT: String(options.enginePort), STACK_STATE_DIR: `.cache/bench-state-${options.port}`, ...options.env },
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
    stop: () => child.kill("SIGTERM"),
  };
}

export function percentile(values: number[], p: number): number {
  const sorted = [...values].sort((a, b) => a - b);
  return sorted[Math.min(sorted.length - 1, Math.floor((p / 100) * sorted.length))];
}
