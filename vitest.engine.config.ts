import "./scripts/node20-polyfills.ts";
import { defineConfig } from "vitest/config";

// The engine's tests start real inference children (node-llama-cpp) on a generated model.
export default defineConfig({
  test: {
    environment: "node",
    include: ["engine/**/*.test.ts"],
    pool: "forks",
    testTimeout: 60_000,
    hookTimeout: 60_000,
  },
});
