import { execFileSync, spawn, type ChildProcess } from "node:child_process";
import { randomBytes } from "node:crypto";
import { randomId } from "../contract/ids";
import { existsSync, readFileSync, readdirSync, rmSync, writeFileSync } from "node:fs";
import { join, resolve } from "node:path";

/**
 * Starts the app stack (Vite + Worker + local engine) on its own ports for a benchmark. The local
 * engine answers unless `env.WORKERS_AI_REST_URL` names another upstream (a fake one, say).
 */
export async function startStack(options: { port: number; enginePort: number; env?: Record<string, string> }) {
  // The engine refuses callers without its token; the bench asks it directly too, so it picks one.
  const engineToken = randomBytes(32).toString("base64url");
  const child: ChildProcess = spawn(process.execPath, ["--import", "tsx", "e2e/stack.ts", String(options.port)], {
    stdio: ["ignore", process.env.BENCH_STACK_LOGS ? "inherit" : "ignore", "inherit"],
    env: {
      ...process.env,
      WORKERS_AI_REST_URL: "",
      LOCAL_ENGINE_PORT: String(options.enginePort),
      STACK_STATE_DIR: `.cache/bench-state-${options.port}`,
      LOCAL_ENGINE_TOKEN: engineToken,
      ...options.env,
    },
  });
  const base = `http://localhost:${options.port}`;
  // Another upstream (a fake) is not the local engine, so the status never reports one as ready.
  await waitUntilUp(base, child, !options.env?.WORKERS_AI_REST_URL);
  return {
    app: base,
    engine: `http://127.0.0.1:${options.enginePort}/client/v4/accounts/local/ai`,
    /** Headers for calling the engine directly. */
    engineHeaders: { authorization: `Bearer ${engineToken}` },
    pid: child.pid!,
    stop: () => child.kill("SIGTERM"),
  };
}

/**
 * The built Worker without Vite's dev server: `vite build` into its own folder, then `vite preview`,
 * which (through @cloudflare/vite-plugin) runs the bundled Worker and its static assets in workerd,
 * as `wrangler deploy` would ship them. Only `preview.outDir` is built, once per process.
 */
export async function startPreviewStack(options: { port: number; env?: Record<string, string>; cwd?: string }) {
  const outDir = ".cache/bench-relay-build";
  // Another checkout (a baseline commit, for A/B benches) brings its own build in the same folder.
  if (!options.cwd) buildOnce(outDir);
  const stateDir = `.cache/bench-state-${options.port}`;
  rmSync(`${options.cwd ?? "."}/${stateDir}`, { recursive: true, force: true });
  const child: ChildProcess = spawn(
    process.execPath,
    ["node_modules/vite/bin/vite.js", "preview", "--outDir", outDir, "--port", String(options.port), "--strictPort"],
    {
      cwd: options.cwd,
      stdio: ["ignore", process.env.BENCH_STACK_LOGS ? "inherit" : "ignore", "inherit"],
      env: {
        ...process.env,
        WORKERS_AI_REST_URL: "",
        WORKER_STATE_DIR: stateDir,
        // The build carries no secrets or dev vars; preview reads them from this environment, as dev
        // does (engine/dev-vars.ts). A throwaway identity secret: the bench's cookies live one run.
        CLOUDFLARE_INCLUDE_PROCESS_ENV: "true",
        SESSION_SECRET: randomBytes(32).toString("base64url"),
        // Wrangler's local trace collector shares workerd's thread and doubled a request's CPU
        // (bench/notes/relay.md); e2e/stack.ts turns it off for the dev stacks the same way.
        X_LOCAL_OBSERVABILITY: process.env.X_LOCAL_OBSERVABILITY ?? "false",
        ...options.env,
      },
    },
  );
  await waitUntilUp(`http://localhost:${options.port}`, child, !options.env?.WORKERS_AI_REST_URL);
  return { app: `http://localhost:${options.port}`, pid: child.pid!, stop: () => child.kill("SIGTERM") };
}

/**
 * The same build served by workerd itself: Miniflare runs the Worker, its static assets and its
 * Durable Objects from the build's own `wrangler.json`, as `wrangler dev` would (without its proxy
 * Worker), and the client talks to workerd directly. This is the topology Cloudflare has (the
 * request arrives at the Worker's runtime), without `vite preview`'s Node front end, which reads
 * every request and every streamed chunk once more (5-6 ms a request here, on both ways).
 * The AI and Vectorize bindings are remote-only and left out: the Worker's local seams stand in
 * (`WORKERS_AI_REST_URL`, `VECTOR_INDEX=sqlite`), as under `vite preview`.
 */
export async function startBuiltWorker(options: {
  port: number;
  vars?: Record<string, string>;
  inspectorPort?: number;
  /** A bench-only module in front of the build (it imports `./index.js`): given the build's directory, writes it there and returns its path. */
  entry?: (dir: string) => string;
}) {
  const outDir = ".cache/bench-relay-build";
  buildOnce(outDir);
  const dir = resolve(outDir, "workers_ai_chat");
  const entry = options.entry?.(dir);
  const stateDir = `.cache/bench-state-${options.port}`;
  rmSync(stateDir, { recursive: true, force: true });
  const { unstable_getMiniflareWorkerOptions } = await import("wrangler");
  const { Miniflare, convertV4MiniflareOptions } = await import("miniflare");
  const { workerOptions } = unstable_getMiniflareWorkerOptions(`${dir}/wrangler.json`);
  // Remote-only bindings, and a v4 option the v5 converter refuses (the build is one ES module anyway).
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
      // For a profiler (bench/relay-profile.ts).
      ...(options.inspectorPort ? { inspectorPort: options.inspectorPort } : {}),
      defaultPersistRoot: stateDir,
      // The Worker's own log lines (refused keys, say) would fill the bench's report.
      ...(process.env.BENCH_STACK_LOGS ? {} : { handleStructuredLogs: () => {} }),
      workers: [
        {
          ...worker,
          name: "workers-ai-chat",
          // Every module the build wrote, listed: the build splits lazily loaded code (mathjs, say)
          // into assets/ chunks, which Miniflare does not find from the entry on its own.
          modules: [
            ...(entry ? [{ type: "ESModule", path: entry }] : []),
            { type: "ESModule", path: `${dir}/index.js` },
            ...builtChunks(dir).map((path) => ({ type: "ESModule", path })),
          ],
          modulesRoot: dir,
          bindings: {
            ...(worker.bindings as Record<string, string>),
            // A throwaway identity secret: the bench's cookies live one run.
            SESSION_SECRET: randomBytes(32).toString("base64url"),
            ...options.vars,
          },
        },
      ],
    } as Parameters<typeof convertV4MiniflareOptions>[0]),
  );
  const app = String(await mf.ready).replace(/\/$/, "");
  return { app, stop: () => mf.dispose() };
}

/**
 * Floors under the app on this machine, one Worker on workerd (Miniflare), as `startBuiltWorker`
 * runs the app, each at its own path:
 *   - `bare`: fetches the upstream and returns its body: the floor under any Worker here;
 *   - `limited`: first calls two Rate Limiting bindings at once, as the app's model routes do (per
 *     person and per address). Its difference from `bare` is what Miniflare's local limiter costs: a
 *     fetch to a Durable Object per call here, where Cloudflare's counts in the Worker's location;
 *   - `durableObject`: the limiters, then a Durable Object that writes one row to its SQLite and
 *     makes the model call, its body streamed back over RPC: the least a chat answer written in the
 *     person's Durable Object can cost here.
 */
export async function startFloors(options: { port: number; upstream: string }) {
  const { Miniflare, convertV4MiniflareOptions } = await import("miniflare");
  const mf = new Miniflare(
    convertV4MiniflareOptions({
      host: "127.0.0.1",
      port: options.port,
      workers: [
        {
          name: "floors",
          modules: [
            {
              type: "ESModule",
              path: "worker.mjs",
              contents: `import { DurableObject } from "cloudflare:workers";
              const call = (url, body) => fetch(url + "/run/${BENCH_MODEL}", { method: "POST", headers: { "content-type": "application/json" }, body });
              const sse = (body) => new Response(body, { headers: { "content-type": "text/event-stream" } });
              export class Relay extends DurableObject {
                async answer(url, body) {
                  this.ctx.storage.sql.exec("CREATE TABLE IF NOT EXISTS questions (body TEXT)");
                  this.ctx.storage.sql.exec("INSERT INTO questions VALUES (?)", body);
                  return (await call(url, body)).body;
                }
              }
              export default { async fetch(request, env) {
                const floor = new URL(request.url).pathname.split("/")[1];
                const body = await request.text();
                if (floor !== "bare") await Promise.all([env.USER_RATE_LIMITER.limit({ key: "user:bench" }), env.IP_RATE_LIMITER.limit({ key: "ip:bench" })]);
                if (floor === "durableObject") return sse(await env.RELAY.get(env.RELAY.idFromName("bench")).answer(env.UPSTREAM, body));
                return sse((await call(env.UPSTREAM, body)).body);
              } };`,
            },
          ],
          compatibilityDate: "2026-10-19",
          bindings: { UPSTREAM: options.upstream },
          durableObjects: { RELAY: { className: "Relay", useSQLite: true } },
          ratelimits: {
            USER_RATE_LIMITER: { namespace_id: "1001", simple: { limit: 1_000_000, period: 60 as const } },
            IP_RATE_LIMITER: { namespace_id: "1002", simple: { limit: 1_000_000, period: 60 as const } },
          },
        },
      ],
    }),
  );
  const url = String(await mf.ready).replace(/\/$/, "");
  return {
    /** Base URLs that answer as a Workers AI upstream does (`<base>/run/<model>`). */
    bare: `${url}/bare`,
    limited: `${url}/limited`,
    durableObject: `${url}/durableObject`,
    stop: () => mf.dispose(),
  };
}

let built = false;
function buildOnce(outDir: string) {
  if (built) return;
  // `vite build` points .wrangler/deploy/config.json at what it built; put back what was there, so
  // a later `wrangler deploy` never ships the bench's build.
  const deployConfig = ".wrangler/deploy/config.json";
  const previous = existsSync(deployConfig) ? readFileSync(deployConfig) : undefined;
  const env = { ...process.env };
  delete env.SESSION_SECRET; // never baked into the build's .dev.vars
  execFileSync(process.execPath, ["node_modules/vite/bin/vite.js", "build", "--logLevel", "error", "--outDir", outDir], {
    stdio: ["ignore", process.env.BENCH_STACK_LOGS ? "inherit" : "ignore", "inherit"],
    env,
  });
  process.once("exit", () => {
    if (previous) writeFileSync(deployConfig, previous);
    else rmSync(deployConfig, { force: true });
  });
  built = true;
}

async function waitUntilUp(base: string, child: ChildProcess, engineAnswers = true) {
  const deadline = Date.now() + 120_000;
  for (;;) {
    try {
      const response = await fetch(`${base}/api/status`);
      const status = (await response.json()) as { engine?: { ready: boolean } };
      if (engineAnswers ? status.engine?.ready : response.ok) return;
    } catch {
      // not up yet
    }
    if (Date.now() > deadline || child.exitCode !== null) throw new Error(`The stack at ${base} did not start.`);
    await new Promise((r) => setTimeout(r, 250));
  }
}

export function percentile(values: number[], p: number): number {
  const sorted = [...values].sort((a, b) => a - b);
  return sorted[Math.min(sorted.length - 1, Math.floor((p / 100) * sorted.length))];
}

export function median(values: number[]): number {
  return percentile(values, 50);
}

export interface StreamSample {
  /** From sending the request to the first token line. */
  ttftMs: number;
  totalMs: number;
  tokens: number;
  /** Lines that carried tokens: fewer than tokens when a line carried several. */
  events: number;
}

/**
 * Reads a streamed response, counting the tokens `tokensIn` finds in each complete line (true for
 * one); times the first line with a token and the end.
 */
export async function timeStream(url: string, init: RequestInit, tokensIn: (line: string) => number | boolean): Promise<StreamSample> {
  const start = performance.now();
  const response = await fetch(url, init);
  if (!response.ok) throw new Error(`${url}: HTTP ${response.status} ${await response.text()}`);
  const decoder = new TextDecoder();
  let buffer = "";
  let ttftMs = 0;
  let tokens = 0;
  let events = 0;
  for await (const chunk of response.body as unknown as AsyncIterable<Uint8Array>) {
    buffer += decoder.decode(chunk, { stream: true });
    const lines = buffer.split("\n");
    buffer = lines.pop() ?? "";
    for (const line of lines) {
      const n = Number(tokensIn(line));
      if (!n) continue;
      tokens += n;
      events++;
      if (!ttftMs) ttftMs = performance.now() - start;
    }
  }
  return { ttftMs, totalMs: performance.now() - start, tokens, events };
}

/** Workers AI SSE (legacy format): a line with a non-empty response piece. */
export const isWorkersAiToken = (line: string) => line.startsWith('data: {"response":"') && !line.startsWith('data: {"response":""');
/** The bench upstreams' tokens ("w<n> ") in a line: several when the relay merged events that arrived together. */
export const fakeTokens = (line: string) => line.match(/w\d+ /g)?.length ?? 0;
/** AI SDK UI message stream (what `POST /api/chat` sends a browser): a text delta. */
export const isUiTextDelta = (line: string) => line.startsWith('data: {"type":"text-delta"');
/** The bench upstreams' tokens in a UI text delta. */
export const uiFakeTokens = (line: string) => (isUiTextDelta(line) ? fakeTokens(line) : 0);

/**
 * A new guest's session cookie from the stack (each has its own Durable Object and rate-limit
 * bucket). Reads mint no identity; the explicit guest route does, counted per address (the test
 * stacks raise that limit, see e2e/stack.ts).
 */
export async function newIdentity(app: string): Promise<string> {
  const response = await fetch(`${app}/api/session/guest`, {
    method: "POST",
    headers: { origin: app, "content-type": "application/json" },
    body: "{}",
  });
  const cookie = response.headers.get("set-cookie");
  if (!cookie) throw new Error(`No guest from ${app}: ${response.status} ${await response.text()}`);
  return cookie.split(";")[0];
}

export const fmt = (n: number, digits = 1) => n.toFixed(digits);

/** The model every relay bench asks: cheap, and each fake upstream answers it. */
export const BENCH_MODEL = "@cf/meta/llama-3.2-1b-instruct";

/** A chat.completion.chunk carrying text, with the bench upstreams' tokens in it. */
export const openAiFakeTokens = (line: string) =>
  line.startsWith('data: {"id":"chatcmpl-') && line.includes('"content":"') ? fakeTokens(line) : 0;

/** An answer of `maxTokens` to "Hi", read straight from a Workers AI-shaped upstream. */
export const streamFromUpstream = (upstream: string, maxTokens: number, tokensIn: (line: string) => number | boolean = isWorkersAiToken) =>
  timeStream(
    `${upstream}/run/${BENCH_MODEL}`,
    {
      method: "POST",
      headers: { "content-type": "application/json" },
      body: JSON.stringify({ messages: [{ role: "user", content: "Hi" }], stream: true, max_tokens: maxTokens }),
    },
    tokensIn,
  );

let conversations = 0;
/** The same answer through `POST /api/chat` (the UI message stream), each in a new conversation (its id comes back). */
export const streamChatAnswer = async (app: string, cookie: string, maxTokens: number, model = BENCH_MODEL) => {
  const i = conversations++;
  const conversationId = randomId();
  const sample = await timeStream(
    `${app}/api/chat`,
    {
      method: "POST",
      headers: { "content-type": "application/json", cookie },
      body: JSON.stringify({
        id: conversationId,
        messages: [{ id: `m${i}`, role: "user", parts: [{ type: "text", text: "Hi" }] }],
        model,
        maxTokens,
        // The chat page sends the person's time zone with every question (the date_time tool's).
        timeZone: "Europe/Paris",
      }),
    },
    uiFakeTokens,
  );
  return { ...sample, conversationId };
};

/** The same answer through `POST /v1/chat/completions`, streamed, with an API key. */
export const streamV1Answer = (app: string, key: string, maxTokens: number) =>
  timeStream(
    `${app}/v1/chat/completions`,
    {
      method: "POST",
      headers: { "content-type": "application/json", authorization: `Bearer ${key}` },
      body: JSON.stringify({ model: BENCH_MODEL, messages: [{ role: "user", content: "Hi" }], stream: true, max_tokens: maxTokens }),
    },
    openAiFakeTokens,
  );

/** A new guest (cookie) with an API key of theirs: their own rate-limit bucket and budget. */
export async function personWithKey(app: string): Promise<{ cookie: string; key: string }> {
  const cookie = await newIdentity(app);
  const response = await fetch(`${app}/api/keys`, {
    method: "POST",
    headers: { cookie, "content-type": "application/json" },
    body: JSON.stringify({ name: "bench" }),
  });
  if (response.status !== 201) throw new Error(`Could not create a key: HTTP ${response.status} ${await response.text()}`);
  return { cookie, key: ((await response.json()) as { key: string }).key };
}

/** The build's extra module files (assets/*.js), beside its index.js. */
function builtChunks(dir: string): string[] {
  const assets = join(dir, "assets");
  if (!existsSync(assets)) return [];
  return readdirSync(assets, { recursive: true })
    .map(String)
    .filter((f) => /\.(m?js)$/.test(f))
    .map((f) => join(assets, f));
}
