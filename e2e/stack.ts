/**
 * Starts the whole app the way `npm run dev` does, for browser tests and benchmarks: a fresh Worker
 * state, the local engine on its own port with the generated tiny model (or LOCAL_TEXT_MODEL), and
 * Vite on the port given as the first argument.
 */
import { spawn } from "node:child_process";
import { rmSync } from "node:fs";
import { resolve } from "node:path";
import { ensureTestTextModel } from "../engine/fixtures/test-model";
import { ensureTestImageModels } from "../engine/images/fixtures";
import { ensureTestVisionModel } from "../engine/vision/fixtures";
import { ensureTestWhisperModel } from "../engine/speech/fixtures";

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
// The generated tiny model writes nonsense, which as titles would rename the conversations the specs
// here find by their first words; model titles are tested on the fake stack (e2e/search.spec.ts).
const TEST_MODEL_TITLES = "off";
const port = process.argv[2] ?? "5174";
const stateDir = resolve(process.env.STACK_STATE_DIR ?? ".cache/e2e-worker-state");
rmSync(stateDir, { recursive: true, force: true });

const model = process.env.LOCAL_TEXT_MODEL || (await ensureTestTextModel());
const imageModelDir = process.env.LOCAL_IMAGE_MODEL_DIR || (await ensureTestImageModels());
const visionModelDir = process.env.LOCAL_VISION_MODEL_DIR || (await ensureTestVisionModel());
// The tiny Whisper hears only sound or quiet ("sound." / "quiet."): the voice specs script their words on the fake stack.
const whisperModelDir = process.env.LOCAL_WHISPER_MODEL_DIR || (await ensureTestWhisperModel());
const vite = spawn(process.execPath, [resolve("node_modules/vite/bin/vite.js"), "--port", port, "--strictPort"], {
  stdio: "inherit",
  env: {
    ...process.env,
    LOCAL_TEXT_MODEL: model,
    LOCAL_IMAGE_MODEL_DIR: imageModelDir,
    LOCAL_VISION_MODEL_DIR: visionModelDir,
    LOCAL_WHISPER_MODEL_DIR: whisperModelDir,
    LOCAL_ENGINE_PORT: process.env.LOCAL_ENGINE_PORT ?? "8790",
    WORKER_STATE_DIR: stateDir,
    VITE_CACHE_DIR: `.cache/vite-${port}`,
    GUESTS_PER_ADDRESS_PER_HOUR: process.env.GUESTS_PER_ADDRESS_PER_HOUR ?? TEST_GUESTS_PER_HOUR,
    ...TEST_SHARED_BUDGETS,
    MODEL_TITLES: process.env.MODEL_TITLES ?? TEST_MODEL_TITLES,
    WORKERS_AI_REST_URL: process.env.WORKERS_AI_REST_URL?.trim() || "",
    // The tests' web pages and MCP servers listen on 127.0.0.1 (worker/http/outbound-url.ts).
    ALLOW_PRIVATE_OUTBOUND: "true",
    // Wrangler's local observability (on by default) runs a trace collector in the same workerd thread
    // as the Worker; nothing here reads its traces, and it doubled the CPU of a streamed request
    // (bench/notes/relay.md). The browser tests run on a busy 2-core machine: less work, fewer timeouts.
    X_LOCAL_OBSERVABILITY: process.env.X_LOCAL_OBSERVABILITY ?? "false",
  },
});
for (const signal of ["SIGINT", "SIGTERM"] as const) process.on(signal, () => vite.kill(signal));
vite.on("exit", (code) => process.exit(code ?? 0));
