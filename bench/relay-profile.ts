/**
 * Where a relay's CPU goes before its first token: a V8 CPU profile of the app's isolate (the
 * Worker and its Durable Objects share one in workerd) over N one-token answers through the built
 * Worker on workerd (`startBuiltWorker`), taken through Miniflare's inspector. The upstream thinks
 * THINK_MS before it answers and the client pauses PAUSE_MS between requests, so each request's CPU
 * falls into separate bursts: the first runs from the request's arrival until the model call has
 * gone out (with whatever the Worker does to send its response meanwhile), and is the one after the
 * client's pause, the longest silence (a timer in the answer run can fire while the model thinks).
 * Only those bursts are summed. On this machine every isolate shares workerd's one thread, so this CPU
 * is time the first token waits (bench/notes/relay.md).
 *   npm run bench:relay-profile        ROUTE=chat|v1 N=60 THINK_MS=120 SQL_LIST=1 MODEL=<chat model id>
 * The whole profile is written to .cache/relay-profile-<route>.cpuprofile (open it in DevTools).
 * Then 5 more requests count the SQL statements run before the model call (`countStatements`).
 */
import { mkdirSync, writeFileSync } from "node:fs";
import { startPacedUpstream } from "./paced-upstream";
import { writeSqlPrototypeEntry } from "./sql-prototype-entry";
import { BENCH_MODEL, fmt, personWithKey, startBuiltWorker, streamChatAnswer, streamV1Answer } from "./stack";

const ROUTE = process.env.ROUTE === "v1" ? "v1" : "chat";
const N = Number(process.env.N ?? 60);
/**
 * The chat model asked. The default is the relay benches' small model, which has no tools; the chat
 * page's default model has them, and every built-in tool is on unless the person turns it off:
 * MODEL=@cf/meta/llama-4-scout-17b-16e-instruct measures that request (the tool definitions included).
 */
const MODEL = process.env.MODEL ?? BENCH_MODEL;
const THINK_MS = Number(process.env.THINK_MS ?? 120);
const PAUSE_MS = 200;
const SAMPLE_US = 100;
/** The module Miniflare's Rate Limiting binding runs in, as its frames name it. */
const LIMITER_MODULE = "cloudflare-internal:ratelimit";
const base = process.env.E2E_PORT_BASE ? Number(process.env.E2E_PORT_BASE) : 5100;
const INSPECTOR_PORT = base + 133;
/**
 * A burst ends after this long without a sample. The upstream's thinking must be longer, or a
 * request's start and its answer merge into one burst; the client's pause longer still.
 */
const GAP_US = 30_000;
if (THINK_MS * 1000 <= GAP_US)
  throw new Error(`THINK_MS must be over ${GAP_US / 1000}, or a request's start and its answer cannot be told apart.`);

interface ProfileNode {
  id: number;
  callFrame: { functionName: string; url: string; lineNumber: number };
  children?: number[];
}
interface Profile {
  nodes: ProfileNode[];
  samples: number[];
  timeDeltas: number[];
}

const upstream = await startPacedUpstream({ tokens: 1, tokensPerSecond: 5000, delayMs: THINK_MS });
const app = await startBuiltWorker({
  port: base + 134,
  inspectorPort: INSPECTOR_PORT,
  entry: writeSqlPrototypeEntry,
  vars: { WORKERS_AI_REST_URL: upstream.url, MODEL_TITLES: "off", GUESTS_PER_ADDRESS_PER_HOUR: "100000" },
});
try {
  const targets = (await (await fetch(`http://127.0.0.1:${INSPECTOR_PORT}/json/list`)).json()) as { webSocketDebuggerUrl: string }[];
  const target = targets.find((t) => t.webSocketDebuggerUrl.endsWith("/core:user:workers-ai-chat"));
  if (!target) throw new Error(`No inspector target for the app among ${targets.map((t) => t.webSocketDebuggerUrl).join(", ")}.`);
  const devtools = await connect(target.webSocketDebuggerUrl);

  let who = await personWithKey(app.app);
  let asked = 0;
  /** Each request's send and its model call's arrival at the upstream (performance.now(), this process's clock). */
  const windows: { sent: number; model: number }[] = [];
  const answer = async () => {
    const sent = performance.now();
    const sample = ROUTE === "v1" ? await streamV1Answer(app.app, who.key, 1) : await streamChatAnswer(app.app, who.cookie, 1, MODEL);
    if (sample.tokens !== 1) throw new Error(`${ROUTE} relayed ${sample.tokens} tokens, not 1.`);
    windows.push({ sent, model: upstream.firstRequestSince(sent) });
    // A new person before the 30-a-minute rate limit, made before the pause: a burst after the pause
    // is a request's start, and making a person is not a request's work.
    if (++asked % 25 === 0) who = await personWithKey(app.app);
    await new Promise((resolve) => setTimeout(resolve, PAUSE_MS));
  };
  for (let i = 0; i < 10; i++) await answer();
  await devtools.send("Profiler.enable");
  await devtools.send("Profiler.setSamplingInterval", { interval: SAMPLE_US });
  await devtools.send("Profiler.start");
  windows.length = 0;
  for (let i = 0; i < N; i++) await answer();
  const { profile } = (await devtools.send("Profiler.stop")) as { profile: Profile };
  // V8's profile clock and process.hrtime are both CLOCK_MONOTONIC (µs here); performance.now() is hrtime less this process's origin.
  const perfToProfileUs = Number(process.hrtime.bigint() / 1000n) - performance.now() * 1000;

  mkdirSync(".cache", { recursive: true });
  writeFileSync(`.cache/relay-profile-${ROUTE}.cpuprofile`, JSON.stringify(profile));
  report(profile);
  reportByClock(profile, windows, perfToProfileUs);
  await countStatements(devtools, upstream.url, answer);
  devtools.close();
} finally {
  await app.stop();
  await upstream.close();
}

function report(profile: Profile) {
  const byId = new Map(profile.nodes.map((node) => [node.id, node]));
  const parent = new Map<number, number>();
  for (const node of profile.nodes) for (const child of node.children ?? []) parent.set(child, node.id);
  const label = (node: ProfileNode) =>
    `${node.callFrame.functionName || "(anonymous)"} ${node.callFrame.url.split("/").at(-1) ?? ""}:${node.callFrame.lineNumber + 1}`;
  const stacks = new Map<number, string[]>();
  const stackOf = (id: number) => {
    let stack = stacks.get(id);
    if (!stack) {
      stack = [];
      for (let at: number | undefined = id; at !== undefined; at = parent.get(at)) stack.push(label(byId.get(at)!));
      stacks.set(id, stack);
    }
    return stack;
  };

  // Bursts of samples, split where the isolate idled longer than GAP_US; a burst after the client's
  // pause is a request's start. Each sample counts as one interval: a sample's own
  // delta also holds the idle time before it.
  const bursts: { stacks: string[][]; end: number; silenceBefore: number }[] = [];
  let now = 0;
  for (let i = 0; i < profile.samples.length; i++) {
    now += profile.timeDeltas[i] ?? 0;
    const stack = stackOf(profile.samples[i]);
    if (stack[0].startsWith("(idle)")) continue;
    const last = bursts.at(-1);
    if (last && now - last.end <= GAP_US) {
      last.stacks.push(stack);
      last.end = now;
    } else bursts.push({ stacks: [stack], end: now, silenceBefore: last ? now - last.end : 0 });
  }
  // The client's pause, less some slack for the client's own work between requests.
  const starts = bursts.filter((burst) => burst.silenceBefore >= (PAUSE_MS - 40) * 1000).map((burst) => burst.stacks);
  if (!starts.length)
    throw new Error(`No request's start found among ${bursts.length} bursts: was the machine too busy to keep them apart?`);
  const ms = (samples: number) => fmt((samples * SAMPLE_US) / 1000 / starts.length, 3).padStart(7);
  const inclusive = new Map<string, number>();
  const self = new Map<string, number>();
  for (const burst of starts)
    for (const stack of burst) {
      self.set(stack[0], (self.get(stack[0]) ?? 0) + 1);
      for (const frame of new Set(stack)) inclusive.set(frame, (inclusive.get(frame) ?? 0) + 1);
    }
  const top = (counts: Map<string, number>, n: number) =>
    [...counts]
      .filter(([frame]) => !frame.startsWith("(root)"))
      .sort((a, b) => b[1] - a[1])
      .slice(0, n);

  console.log(
    `\n${ROUTE === "v1" ? "POST /v1/chat/completions" : "POST /api/chat"}: ${starts.length} request bursts of ${N} answers (${bursts.length} bursts in all), sampled every ${SAMPLE_US} µs`,
  );
  console.log(
    `  JavaScript CPU in the app's isolate from the request's arrival until the model call left: ${ms(starts.flat().length)} ms a request`,
  );
  // Miniflare's Rate Limiting binding is a fetch to a Durable Object in another service here; on
  // Cloudflare it is a counter in the location. It is the harness's, not the route's: shown apart,
  // from the same samples (every sample whose stack is inside the binding's own module).
  const limiter = starts.flat().filter((stack) => stack.some((frame) => frame.includes(LIMITER_MODULE))).length;
  console.log(
    `    of which Miniflare's rate limiter binding (a harness floor, not the route's work): ${ms(limiter)} ms; the route's own share: ${ms(starts.flat().length - limiter)} ms`,
  );
  console.log("  Inclusive (the function and what it called), ms a request:");
  for (const [frame, count] of top(inclusive, Number(process.env.TOP ?? 30))) console.log(`  ${ms(count)}  ${frame}`);
  console.log("  Self, ms a request:");
  for (const [frame, count] of top(self, 15)) console.log(`  ${ms(count)}  ${frame}`);
  console.log(`  Whole profile: .cache/relay-profile-${ROUTE}.cpuprofile`);
}

/**
 * A check on the bursts, from the same samples: on a loaded machine a request's start can break into
 * bursts (the thread waits over GAP_US for a core or another process mid-way) and parts go uncounted.
 * Here each request is its window by the clock instead: from the client's send until its model call
 * reached the upstream (so nothing after the model call, unlike a burst, which runs until the isolate
 * idles). Same samples, same unit.
 */
function reportByClock(profile: Profile & { startTime?: number }, windows: { sent: number; model: number }[], perfToProfileUs: number) {
  if (profile.startTime === undefined || windows.some((w) => Number.isNaN(w.model))) {
    console.log("  By the clock: not measured (no profile start time, or a model call not seen upstream).");
    return;
  }
  const times: number[] = [];
  let now = profile.startTime;
  const idle = new Set(profile.nodes.filter((node) => node.callFrame.functionName === "(idle)").map((node) => node.id));
  for (let i = 0; i < profile.samples.length; i++) {
    now += profile.timeDeltas[i] ?? 0;
    if (!idle.has(profile.samples[i])) times.push(now);
  }
  const inside = windows.map(({ sent, model }) => {
    const from = sent * 1000 + perfToProfileUs;
    const to = model * 1000 + perfToProfileUs;
    return times.filter((t) => t >= from && t <= to).length;
  });
  if (inside.every((n) => n === 0)) {
    console.log("  By the clock: no samples inside any request's window (the profile's clock is not this process's here).");
    return;
  }
  const perRequest = (inside.reduce((a, b) => a + b, 0) * SAMPLE_US) / 1000 / windows.length;
  console.log(
    `  Check by the clock (the client's send until the model call reached the upstream, ${windows.length} requests): ${fmt(perRequest, 3)} ms a request`,
  );
}

/**
 * SQL statements a request runs before the model call, counted after the profile (the counting is not
 * in it): `SqlStorage.prototype.exec` (reached through bench/sql-prototype-entry.ts) and the global
 * `fetch` are wrapped from the inspector, in the app's isolate only for this run (nothing of it is in
 * the build). Every Durable Object of the app
 * shares that isolate, so the person's ledger counts too. The count stops when `fetch` is first called
 * for the upstream: the model call. `SQL_LIST=1` prints the statements of the last request.
 */
async function countStatements(devtools: Awaited<ReturnType<typeof connect>>, upstreamUrl: string, answer: () => Promise<void>) {
  // The isolate's context is known to the session only once the Runtime domain is on: it is announced then.
  await devtools.send("Runtime.enable");
  const context = devtools.events.find((event) => event.method === "Runtime.executionContextCreated")?.params as
    | { context: { id: number } }
    | undefined;
  if (!context) {
    console.log("  SQL statements: not counted (the inspector named no execution context).");
    return;
  }
  const evaluate = async <T>(expression: string) => {
    const { result, exceptionDetails } = (await devtools.send("Runtime.evaluate", {
      expression,
      returnByValue: true,
      contextId: context.context.id,
    })) as {
      result: { value: T };
      exceptionDetails?: { text: string; exception?: { description?: string } };
    };
    if (exceptionDetails) throw new Error(`In the isolate: ${exceptionDetails.exception?.description ?? exceptionDetails.text}`);
    return result.value;
  };
  const installed = await evaluate<string>(`(() => {
    const proto = globalThis.__benchSqlPrototype;
    if (!proto) return "no SqlStorage prototype kept by bench/sql-prototype-entry.ts";
    if (globalThis.__benchSql) return "ok";
    const state = (globalThis.__benchSql = { n: 0, atModel: -1, list: [] });
    const exec = proto.exec;
    proto.exec = function (query, ...bindings) {
      state.n++;
      if (state.atModel < 0) state.list.push(String(query).replace(/\\s+/g, " ").slice(0, 110));
      return exec.call(this, query, ...bindings);
    };
    const upstreamFetch = globalThis.fetch;
    globalThis.fetch = function (input, init) {
      const url = String(typeof input === "string" || input instanceof URL ? input : input.url);
      if (state.atModel < 0 && url.startsWith(${JSON.stringify(upstreamUrl)})) state.atModel = state.n;
      return upstreamFetch.call(this, input, init);
    };
    return "ok";
  })()`);
  if (installed !== "ok") {
    console.log(`  SQL statements: not counted (${installed}).`);
    return;
  }
  const counts: number[] = [];
  let list: string[] = [];
  for (let i = 0; i < 5; i++) {
    await evaluate("(globalThis.__benchSql.n = 0, globalThis.__benchSql.atModel = -1, globalThis.__benchSql.list = [], 0)");
    await answer();
    const state = await evaluate<{ atModel: number; list: string[] }>("globalThis.__benchSql");
    if (state.atModel < 0) throw new Error("The model call was not seen through the global fetch: statements not counted.");
    counts.push(state.atModel);
    list = state.list;
  }
  console.log(`  SQL statements before the model call (5 requests): ${counts.join(", ")}`);
  if (process.env.SQL_LIST) for (const query of list) console.log(`    ${query}`);
}

/** A DevTools protocol session over the inspector's WebSocket (Node's own: `--experimental-websocket` on Node 20). */
async function connect(url: string) {
  const socket = new WebSocket(url);
  await new Promise((resolve, reject) => {
    socket.onopen = resolve;
    socket.onerror = reject;
  });
  let id = 0;
  /** Notifications (Runtime.executionContextCreated, say), in order. */
  const events: { method: string; params: unknown }[] = [];
  const waiting = new Map<number, { resolve: (result: unknown) => void; reject: (error: Error) => void }>();
  socket.onmessage = (event) => {
    const message = JSON.parse(String(event.data)) as { id?: number; result?: unknown; error?: { message: string } };
    if (message.id === undefined) events.push(message as { method: string; params: unknown });
    const call = message.id === undefined ? undefined : waiting.get(message.id);
    if (!call) return;
    waiting.delete(message.id!);
    if (message.error) call.reject(new Error(`DevTools: ${message.error.message}`));
    else call.resolve(message.result);
  };
  return {
    send: (method: string, params: object = {}) =>
      new Promise<unknown>((resolve, reject) => {
        waiting.set(++id, { resolve, reject });
        socket.send(JSON.stringify({ id, method, params }));
      }),
    events,
    close: () => socket.close(),
  };
}
