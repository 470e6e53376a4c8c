import { randomBytes } from "node:crypto";
import { readFileSync, rmSync, writeFileSync } from "node:fs";
import { resolve } from "node:path";
import { build } from "esbuild";
import { startBuiltWorker } from "./stack";
import { COUNTS_PATH } from "./scale-counter";

/** Calls made on one Durable Object instance's stubs during the run. */
export interface ObjectCalls {
  className: string;
  name: string;
  calls: number;
  methods: Record<string, number>;
}

/**
 * The built Worker on workerd (Miniflare from the build's `wrangler.json`, as `startBuiltWorker` runs
 * it), with a bench-only entry module in front (bench/scale-counter.ts) that counts calls per
 * Durable Object instance. `startBuiltWorker` builds the app (once, and puts back the deploy config
 * the build replaces); it is started and stopped once for that, then the same build runs here behind
 * the counting entry, which is written beside `index.js` and imports it.
 */
export async function startCountedWorker(options: { port: number; vars: Record<string, string> }) {
  const outDir = ".cache/bench-relay-build";
  await (await startBuiltWorker({ port: options.port })).stop();
  const dir = resolve(outDir, "workers_ai_chat");
  const config = JSON.parse(readFileSync(`${dir}/wrangler.json`, "utf8")) as {
    durable_objects: { bindings: { name: string; class_name: string }[] };
  };
  const bindings = Object.fromEntries(config.durable_objects.bindings.map((b) => [b.name, b.class_name]));
  const classes = [...new Set(Object.values(bindings))];
  const entry = `${dir}/bench-scale-entry.js`;
  const bundle = await build({
    stdin: {
      contents: [
        `import * as app from "./index.js";`,
        `import { instrument } from "./scale-counter.ts";`,
        `const counted = instrument(app, ${JSON.stringify(bindings)});`,
        "export default counted.handler;",
        ...classes.map((name) => `export const ${name} = counted.classes.${name};`),
      ].join("\n"),
      resolveDir: resolve("bench"),
      loader: "ts",
    },
    bundle: true,
    format: "esm",
    platform: "neutral",
    external: ["./index.js"],
    write: false,
  });
  writeFileSync(entry, bundle.outputFiles[0].text);

  const stateDir = `.cache/bench-state-${options.port}`;
  rmSync(stateDir, { recursive: true, force: true });
  const { unstable_getMiniflareWorkerOptions } = await import("wrangler");
  const { Miniflare, convertV4MiniflareOptions } = await import("miniflare");
  const { workerOptions } = unstable_getMiniflareWorkerOptions(`${dir}/wrangler.json`);
  // As in startBuiltWorker: remote-only bindings out (the local seams stand in), the modules listed here.
  const {
    ai: _ai,
    vectorize: _vectorize,
    modulesRules: _rules,
    ...worker
  } = workerOptions as typeof workerOptions & Record<string, unknown>;
  const mf = new Miniflare(
    convertV4MiniflareOptions({
      host: "127.0.0.1",
      port: options.port,
      defaultPersistRoot: stateDir,
      ...(process.env.BENCH_STACK_LOGS ? {} : { handleStructuredLogs: () => {} }),
      workers: [
        {
          ...worker,
          name: "workers-ai-chat",
          modules: [
            { type: "ESModule", path: entry },
            { type: "ESModule", path: `${dir}/index.js` },
          ],
          modulesRoot: dir,
          bindings: {
            ...(worker.bindings as Record<string, string>),
            SESSION_SECRET: randomBytes(32).toString("base64url"),
            ...options.vars,
          },
        },
      ],
    } as Parameters<typeof convertV4MiniflareOptions>[0]),
  );
  const app = String(await mf.ready).replace(/\/$/, "");
  return {
    app,
    /** Every object called since the start (or the last reset), and any woken without a counted call. */
    counts: async () =>
      (await (await fetch(`${app}${COUNTS_PATH}`)).json()) as { objects: ObjectCalls[]; uncounted: { className: string; name: string }[] },
    reset: async () => void (await fetch(`${app}${COUNTS_PATH}`, { method: "POST" })),
    stop: () => mf.dispose(),
  };
}
