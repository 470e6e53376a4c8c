import "./scripts/node20-polyfills.ts";
import { defineConfig } from "vitest/config";

// The engine's tests start real inference children (node-llama-cpp) on a generated model. The deploy
// script's tests (scripts/) run here too: Node, no Workers runtime.
export default defineConfig({
  test: {
    environment: "node",
    include: ["engine/**/*.test.ts", "scripts/**/*.test.ts"],
    pool: "forks",
    // Hang detectors, not performance checks: under a load average of 25 on 2 cores, starting an
    // engine child and loading a model took over 30 s.
    testTimeout: 180_000,
    hookTimeout: 180_000,
  },
});
