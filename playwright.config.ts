import { defineConfig } from "@playwright/test";

// Browser tests drive Debian's Chromium (Playwright's own download cannot run offline) against the
// real stack: Vite dev, the Worker in workerd, and the local engine with a generated tiny model.
const PORT = 5174;

export default defineConfig({
  testDir: "e2e",
  testMatch: "**/*.spec.ts",
  timeout: 60_000,
  expect: { timeout: 15_000 },
  fullyParallel: false,
  workers: 1,
  reporter: [["list"]],
  use: {
    baseURL: `http://localhost:${PORT}`,
    trace: "retain-on-failure",
    launchOptions: {
      executablePath: process.env.CHROMIUM_PATH ?? "/usr/bin/chromium",
      args: ["--headless", "--no-sandbox", "--disable-gpu", "--disable-background-networking", "--disable-component-update"],
    },
  },
  webServer: {
    command: `tsx e2e/stack.ts ${PORT}`,
    url: `http://localhost:${PORT}/api/status`,
    timeout: 120_000,
    reuseExistingServer: false,
    stdout: "pipe",
  },
});
