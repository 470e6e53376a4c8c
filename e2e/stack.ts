/**
 * Starts the whole app the way `npm run dev` does, for browser tests: a fresh Worker state, the local
 * engine on its own port with the generated tiny model, and Vite on the port Playwright asks for.
 */
import { spawn } from "node:child_process";
import { rmSync } from "node:fs";
import { resolve } from "node:path";
import { ensureTestTextModel } from "../engine/fixtures/test-model";

const port = process.argv[2] ?? "5174";
const stateDir = resolve(".cache/e2e-worker-state");
rmSync(stateDir, { recursive: true, force: true });

const model = await ensureTestTextModel();
const vite = spawn(process.execPath, [resolve("node_modules/vite/bin/vite.js"), "--port", port, "--strictPort"], {
  stdio: "inherit",
  env: { ...process.env, LOCAL_TEXT_MODEL: model, LOCAL_ENGINE_PORT: "8790", WORKER_STATE_DIR: stateDir, WORKERS_AI_REST_URL: "" },
});
for (const signal of ["SIGINT", "SIGTERM"] as const) process.on(signal, () => vite.kill(signal));
vite.on("exit", (code) => process.exit(code ?? 0));
