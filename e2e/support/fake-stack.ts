/**
 * The app against the fake Workers AI server (TEST DOUBLE, ./fake-workers-ai.ts) instead of the
 * local engine: for fault injection, XSS and load. Usage: `tsx e2e/support/fake-stack.ts <port>`.
 *   FAKE_AI_PORT     the fake's port (default 8795); tests script it at http://127.0.0.1:<port>/__script
 *   STACK_STATE_DIR  the Worker's state (default .cache/e2e-fake-state), wiped at start
 * The fake also answers `POST /__restart-app`: Vite and the Worker (workerd) are stopped and started
 * again on the same state directory, and the call returns once the app answers again.
 */
import { spawn, type ChildProcess } from "node:child_process";
import { rmSync } from "node:fs";
import { resolve } from "node:path";
import { startFakeWorkersAi } from "./fake-workers-ai";

// Every browser test and benchmark client is a new person from the same machine (no CF-Connecting-IP:
// one "local" address), so the per-address limit on new identities (10 an hour by default, also under
// `npm run dev`) is raised here; worker/auth/guests.test.ts tests the limit itself.
const TEST_GUESTS_PER_HOUR = "100000";
// For the same reason the network's and the deployment's daily budgets (20,000 and 100,000 neurons)
// would be one pot for the whole suite, which ran dry near its end once it grew; they are raised
// here too, and the Worker tests test them (worker/spend/). A person's own budget stays as deployed.
const TEST_SHARED_BUDGETS = {
  ADDRESS_DAILY_NEURONS: "1000000000",
  ADDRESS_BLOCK_DAILY_NEURONS: "1000000000",
  GLOBAL_DAILY_NEURONS: "1000000000",
};
const port = process.argv[2] ?? "5175";
const fakePort = Number(process.env.FAKE_AI_PORT ?? 8795);
const stateDir = resolve(process.env.STACK_STATE_DIR ?? ".cache/e2e-fake-state");
rmSync(stateDir, { recursive: true, force: true });

let vite: ChildProcess | undefined;
let stopping = false;

const fake = await startFakeWorkersAi(fakePort, async (method, path, res) => {
  if (method !== "POST" || path !== "/__restart-app") return false;
  await stopApp();
  startApp();
  await waitForApp();
  res.writeHead(204).end();
  return true;
});

function startApp() {
  vite = spawn(process.execPath, [resolve("node_modules/vite/bin/vite.js"), "--port", port, "--strictPort"], {
    stdio: ["ignore", "inherit", "inherit"],
    env: {
      ...process.env,
      WORKERS_AI_REST_URL: fake.url,
      WORKERS_AI_TOKEN: "",
      // The tests' web pages and MCP servers listen on 127.0.0.1 (worker/http/outbound-url.ts).
      ALLOW_PRIVATE_OUTBOUND: "true",
      WORKER_STATE_DIR: stateDir,
      VITE_CACHE_DIR: `.cache/vite-${port}`,
      GUESTS_PER_ADDRESS_PER_HOUR: process.env.GUESTS_PER_ADDRESS_PER_HOUR ?? TEST_GUESTS_PER_HOUR,
      ...TEST_SHARED_BUDGETS,
    },
  });
  const child = vite;
  child.on("exit", (code) => {
    // Only an exit nobody asked for ends the launcher (and tells Playwright the server died).
    if (!stopping && child === vite) process.exit(code ?? 1);
  });
}

async function stopApp() {
  const child = vite;
  if (!child || child.exitCode !== null) return;
  stopping = true;
  const exited = new Promise((r) => child.once("exit", r));
  child.kill("SIGTERM");
  const timer = setTimeout(() => child.kill("SIGKILL"), 10_000);
  await exited;
  clearTimeout(timer);
  stopping = false;
}

async function waitForApp() {
  const deadline = Date.now() + 60_000;
  while (Date.now() < deadline) {
    try {
      if ((await fetch(`http://localhost:${port}/api/status`)).ok) return;
    } catch {
      // not up yet
    }
    await new Promise((r) => setTimeout(r, 200));
  }
  throw new Error(`The app did not come back on port ${port} within 60 s.`);
}

startApp();
for (const signal of ["SIGINT", "SIGTERM"] as const) {
  process.on(signal, async () => {
    await stopApp();
    await fake.close();
    process.exit(0);
  });
}
