import "./scripts/node20-polyfills.ts";
import { defineConfig } from "vitest/config";
import { cloudflareTest } from "@cloudflare/vitest-plugin";

// Worker tests run inside workerd with the real bindings (Durable Objects on SQLite) from
// wrangler.jsonc; only Workers AI is replaced, by the recorded-format double in worker/test/.
export default defineConfig({
  plugins: [
    cloudflareTest({
      wrangler: { configPath: "./wrangler.jsonc" },
      remoteBindings: false,
      miniflare: {
        bindings: {
          SESSION_SECRET: "worker-tests-only-secret",
          WORKERS_AI_REST_URL: "",
          // Tests script each answer's model calls; those about model-written titles turn them on
          // with appWith({ MODEL_TITLES: "on" }) (worker/store/titles.test.ts).
          MODEL_TITLES: "off",
          // So a printed fuzz seed can be replayed: FUZZ_SEED=<seed> npm run test:worker (FUZZ_RUNS=n for more cases).
          ...Object.fromEntries(["FUZZ_SEED", "FUZZ_RUNS"].flatMap((name) => (process.env[name] ? [[name, process.env[name]]] : []))),
        },
      },
    }),
  ],
  // The real MCP server the connector tests call (worker/connectors/), on loopback in this Node process.
  test: { include: ["worker/**/*.test.ts"], testTimeout: 60_000, globalSetup: ["worker/test/mcp-server-setup.ts"] },
});
