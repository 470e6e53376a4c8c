import { defineConfig } from "@playwright/test";

// Browser tests drive Debian's Chromium (Playwright's own download cannot run offline) against the
// real stack: Vite dev, the Worker in workerd, and either the local engine with a generated tiny
// model (project "engine") or a fake Workers AI server that misbehaves on request (project "fake":
// fault injection, XSS, restart; see e2e/support/fake-workers-ai.ts).
// E2E_PORT_BASE moves every port the stacks use, so two checkouts can run their browser tests at once.
const BASE = Number(process.env.E2E_PORT_BASE ?? 5174);
const PORT = BASE;
const FAKE_PORT = BASE + 1;
const FAKE_AI_PORT = BASE + 3621; // 8795 by default; e2e/support/fake-control.ts reads it from the env
const ENGINE_PORT = BASE + 3616; // 8790 by default
process.env.FAKE_AI_PORT = String(FAKE_AI_PORT);
// Each stack's state directory, per port base (tests read the owner setup token there).
const WORKER_STATE = `.cache/e2e-worker-state-${BASE}`;
const FAKE_STATE = `.cache/e2e-fake-state-${BASE}`;
process.env.E2E_WORKER_STATE = WORKER_STATE;
process.env.E2E_FAKE_STATE = FAKE_STATE;
const FAKE_SPECS = [
  "**/faults.spec.ts",
  "**/openai.spec.ts",
  "**/xss.spec.ts",
  "**/restart.spec.ts",
  "**/markdown.spec.ts",
  "**/second-tab.spec.ts",
  "**/vision-faults.spec.ts",
  "**/documents.spec.ts",
  "**/search.spec.ts",
  "**/who-answered.spec.ts",
  "**/dialog-focus.spec.ts",
  "**/axe.spec.ts",
  "**/memory.spec.ts",
  "**/projects.spec.ts",
  "**/project-defaults.spec.ts",
  "**/assistants.spec.ts",
  "**/tools.spec.ts",
  "**/rejoin-race.spec.ts",
  "**/reasoning.spec.ts",
  "**/connectors.spec.ts",
  "**/voice.spec.ts",
  "**/read-web-page.spec.ts",
  "**/usage-chart.spec.ts",
  "**/compare.spec.ts",
];

export default defineConfig({
  testDir: "e2e",
  testMatch: "**/*.spec.ts",
  timeout: 60_000,
  expect: { timeout: 15_000 },
  fullyParallel: false,
  workers: 1,
  reporter: [["list"], ["./e2e/support/summary-reporter.ts"]],
  use: {
    trace: "retain-on-failure",
    launchOptions: {
      executablePath: process.env.CHROMIUM_PATH ?? "/usr/bin/chromium",
      args: ["--headless", "--no-sandbox", "--disable-gpu", "--disable-background-networking", "--disable-component-update"],
    },
  },
  projects: [
    { name: "engine", testIgnore: FAKE_SPECS, use: { baseURL: `http://localhost:${PORT}` } },
    { name: "fake", testMatch: FAKE_SPECS, use: { baseURL: `http://localhost:${FAKE_PORT}` } },
  ],
  // A stack's start is a hang detector, not a speed test: a cold start (model generation, Vite's
  // optimizer, workerd) took 63 s beside other CPU-heavy work and once ran past 120 s.
  webServer: [
    {
      command: `tsx e2e/stack.ts ${PORT}`,
      url: `http://localhost:${PORT}/api/status`,
      // State per port base too: two checkouts' (or helpers') stacks never wipe each other's.
      env: { LOCAL_ENGINE_PORT: String(ENGINE_PORT), STACK_STATE_DIR: WORKER_STATE },
      timeout: 300_000,
      reuseExistingServer: false,
      stdout: "pipe",
    },
    {
      command: `tsx e2e/support/fake-stack.ts ${FAKE_PORT}`,
      url: `http://localhost:${FAKE_PORT}/api/status`,
      env: { FAKE_AI_PORT: String(FAKE_AI_PORT), STACK_STATE_DIR: FAKE_STATE },
      timeout: 300_000,
      reuseExistingServer: false,
      stdout: "pipe",
    },
  ],
});
