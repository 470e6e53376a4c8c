import { defineConfig } from "@playwright/test";

// Browser tests drive Debian's Chromium (Playwright's own download cannot run offline) against the
// real stack: Vite dev, the Worker in workerd, and either the local engine with a generated tiny
// model (project "engine") or a fake Workers AI server that misbehaves on request (project "fake":
// fault injection, XSS, restart; see e2e/support/fake-workers-ai.ts).
const PORT = 5174;
const FAKE_PORT = 5175;
const FAKE_AI_PORT = 8795; // e2e/support/fake-control.ts talks to it
const FAKE_SPECS = ["**/faults.spec.ts", "**/xss.spec.ts", "**/restart.spec.ts", "**/markdown.spec.ts", "**/second-tab.spec.ts", "**/vision-faults.spec.ts"];

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
  webServer: [
    {
      command: `tsx e2e/stack.ts ${PORT}`,
      url: `http://localhost:${PORT}/api/status`,
      timeout: 120_000,
      reuseExistingServer: false,
      stdout: "pipe",
    },
    {
      command: `tsx e2e/support/fake-stack.ts ${FAKE_PORT}`,
      url: `http://localhost:${FAKE_PORT}/api/status`,
      env: { FAKE_AI_PORT: String(FAKE_AI_PORT) },
      timeout: 120_000,
      reuseExistingServer: false,
      stdout: "pipe",
    },
  ],
});
