/**
 * Scale: how much of the traffic lands on one Durable Object that is not one person's own. Thousands
 * of simulated people (each from its own client address, sent as `cf-connecting-ip`, which Miniflare
 * passes through when the client sets it, so the per-address limits stay at their defaults) against
 * the built Worker on workerd (Miniflare from the build's `wrangler.json`, as bench/stack.ts runs it),
 * answered by the paced fake upstream with 3-token answers, model titles off.
 *
 * Counting: a bench-only entry module in front of the build (bench/scale-counter.ts, bundled by
 * bench/scale-worker.ts) wraps every Durable Object namespace binding in `env`, for the Worker's
 * handlers and in each Durable Object class's constructor (the exported classes are subclassed), so a
 * call one object makes to another counts too. `idFromName(name)` records id → name, and each method
 * call on a stub (RPC or `fetch`) counts under (class, name). The counts live in the isolate's memory
 * and are read through a bench-only route of that entry; nothing of it is in the product.
 *
 * Classified by name (issue 22's layout; worker/shared-state/shard.ts names the shards): an object is one person's own when it is a
 * UserStore, or its name is `account:…`, `owner:…` or `person:…`; everything else is shared (the
 * shards `<namespace>:<n>`, and the singletons `accounts`, `registry`, `shares`, `deployment`), and
 * so is any object named for `visitor`, the one id all cookieless visitors share.
 * N in the last line is the busiest shared object's calls as a share of every request the bench sent,
 * setup included (key creation, passkey registration and sharing are traffic the deployment sees too).
 *
 * Traffic: one queue of people, CONCURRENCY at a time, each person's requests in sequence, in random
 * order so that a run cut short keeps the mix:
 *   chatters     a cookieless first visit (`GET /api/session`, `GET /api/status`), then 5 chats, the
 *                first of which makes the guest (counted per address);
 *   key holders  `POST /api/keys` cookieless (the write makes the guest), then 9 `/v1/chat/completions`;
 *   sharers      one chat, then `POST /api/conversations/:id/share` (a tenth of them first, the rest shuffled in);
 *   readers      strangers (own address, no cookie) opening a link made so far: `GET /api/shared/:token`;
 *   accounts     passkey registration from a cookieless browser (options, verify: a new identity of
 *                its address), then 2 sign-ins on new browsers (options, verify; the scripted
 *                authenticator of worker/test/authenticator.ts), each followed by a chat as the account.
 * Setup requests (key creation, registration, sharing) are counted like the rest: the deployment sees them too.
 *   SCALE=1 (default) is about 23,400 requests from 2,850 people and 3,000 link readers.
 *   npm run bench:scale          SCALE=1 CONCURRENCY=12 BUDGET_S=260 REQUESTS_PER_USER_DAY=50 PEAK=3
 * BUDGET_S after the bench's start (the build and workerd's starts included) no new person starts,
 * so the whole run stays under five minutes on a busy machine; the figures are over what was sent,
 * and it says so.
 */
import { SoftAuthenticator } from "../worker/test/authenticator";
import { startPacedUpstream } from "./paced-upstream";
import { startCountedWorker, type ObjectCalls } from "./scale-worker";
import { BENCH_MODEL, fmt, percentile } from "./stack";

const SCALE = Number(process.env.SCALE ?? 1);
const CONCURRENCY = Number(process.env.CONCURRENCY ?? 12);
/** Seconds from the process's start after which no new person starts (the build and workerd's starts come first). */
const BUDGET_S = Number(process.env.BUDGET_S ?? 260);
const PORT = process.env.E2E_PORT_BASE ? Number(process.env.E2E_PORT_BASE) + 60 : 5206;
/** For the paper estimate: requests one daily user sends a day, and the peak hour over the day's mean. */
const DAILY_USERS = 1_000_000;
const REQUESTS_PER_USER_DAY = Number(process.env.REQUESTS_PER_USER_DAY ?? 50);
const PEAK = Number(process.env.PEAK ?? 3);
const TARGET_SHARE = 2;
const TARGET_RPS = 100;
const ANSWER_TOKENS = 3;

const n = (base: number) => Math.max(1, Math.round(base * SCALE));
/** Few requests per person, many people: the spread over shards is only seen with many keys, links and addresses. */
const PLAN = {
  accounts: n(150),
  signInsPerAccount: 2,
  keyHolders: n(600),
  v1PerKey: 9,
  sharers: n(300),
  readsPerLink: 10,
  chatters: n(1800),
  chatsPerChatter: 5,
};
/** The issue's floor for each part of the mix, as a share of all requests. */
const MIX_FLOOR: [string, Kind[], number][] = [
  ["share-link reads", ["share read"], 10],
  ["/v1 calls with keys", ["v1"], 20],
  ["passkey sign-ins and cookieless first visits", ["sign-in", "first visit"], 5],
];

type Kind = "chat" | "v1" | "share read" | "sign-in" | "first visit" | "setup";
const KINDS: Kind[] = ["chat", "v1", "share read", "sign-in", "first visit", "setup"];
const sent = new Map<Kind, number>(KINDS.map((k) => [k, 0]));
const failures = new Map<string, number>();
const latencies = new Map<Kind, number[]>(KINDS.map((k) => [k, []]));

/** One simulated browser (or script): its address and its cookies. */
class Client {
  private readonly cookies = new Map<string, string>();
  constructor(readonly ip: string) {}

  async send(kind: Kind, path: string, init: { method?: string; body?: unknown; headers?: Record<string, string> } = {}) {
    sent.set(kind, sent.get(kind)! + 1);
    const begin = performance.now();
    const headers: Record<string, string> = { "cf-connecting-ip": this.ip, ...init.headers };
    if (this.cookies.size) headers.cookie = [...this.cookies].map(([k, v]) => `${k}=${v}`).join("; ");
    if (init.body !== undefined) Object.assign(headers, { "content-type": "application/json", origin: app });
    const fail = (why: string) => {
      const what = `${kind} ${path.replace(/[A-Za-z0-9_-]{20,}/g, ":id")}: ${why.slice(0, 200)}`;
      failures.set(what, (failures.get(what) ?? 0) + 1);
      return undefined;
    };
    let response: Response;
    let text: string;
    try {
      response = await fetch(`${app}${path}`, {
        method: init.method ?? (init.body === undefined ? "GET" : "POST"),
        headers,
        body: init.body === undefined ? undefined : JSON.stringify(init.body),
      });
      text = await response.text();
    } catch (error) {
      // Counted as sent and failed, never retried (a POST may have arrived): the person goes on.
      return fail(`${(error as Error).message} (${(error as Error).cause ?? ""})`);
    }
    latencies.get(kind)!.push(performance.now() - begin);
    for (const cookie of response.headers.getSetCookie()) {
      const [pair] = cookie.split(";");
      const at = pair.indexOf("=");
      this.cookies.set(pair.slice(0, at), pair.slice(at + 1));
    }
    if (!response.ok) return fail(`HTTP ${response.status} ${text}`);
    // A chat answer fails inside a 200 stream: its error event says so.
    if (text.includes('"type":"error"')) return fail(`HTTP 200, then ${text.slice(text.indexOf('"type":"error"'))}`);
    return text;
  }

  chat(kind: Kind = "chat") {
    const id = randomToken();
    return this.send(kind, "/api/chat", {
      body: {
        id,
        model: BENCH_MODEL,
        maxTokens: ANSWER_TOKENS,
        messages: [{ id: `m-${id}`, role: "user", parts: [{ type: "text", text: "Hi" }] }],
      },
    }).then((text) => (text === undefined ? undefined : id));
  }
}

let addresses = 0;
/** People (a cookie or a key of their own) and strangers reading links, as started. */
const started = { people: 0, readers: 0 };
/** A distinct IPv4 address per person, so each is its own bucket for new identities and the per-address limits. */
const newAddress = () => {
  const a = ++addresses;
  return `10.${(a >> 16) & 255}.${(a >> 8) & 255}.${a & 255}`;
};
const randomToken = () => Buffer.from(crypto.getRandomValues(new Uint8Array(16))).toString("base64url");

function shuffle<T>(items: T[]): T[] {
  for (let i = items.length - 1; i > 0; i--) {
    const j = Math.floor(Math.random() * (i + 1));
    [items[i], items[j]] = [items[j], items[i]];
  }
  return items;
}

/** Runs the tasks CONCURRENCY at a time; past the deadline, starts no more. Returns how many ran. */
async function runAll(tasks: (() => Promise<unknown>)[], deadline = Number.POSITIVE_INFINITY): Promise<number> {
  let next = 0;
  const worker = async () => {
    while (next < tasks.length && performance.now() < deadline) await tasks[next++]();
  };
  await Promise.all(Array.from({ length: CONCURRENCY }, worker));
  return next;
}

/**
 * A passkey account: registered from a cookieless browser (the verify counts a new identity of its
 * address), then signing in on new browsers now and then (options, verify) and chatting as the account.
 */
async function account(i: number) {
  started.people++;
  const client = new Client(newAddress());
  const authenticator = new SoftAuthenticator(app);
  const options = await client.send("setup", "/api/auth/registration/options", { body: { name: `Bench ${i}` } });
  if (!options) return;
  const created = await authenticator.create(JSON.parse(options));
  if (!(await client.send("setup", "/api/auth/registration/verify", { body: { response: created } }))) return;
  for (let signIn = 0; signIn < PLAN.signInsPerAccount; signIn++) {
    const browser = new Client(client.ip);
    const challenge = await browser.send("sign-in", "/api/auth/authentication/options", { body: {} });
    if (!challenge) continue;
    const response = await authenticator.get(JSON.parse(challenge));
    if (await browser.send("sign-in", "/api/auth/authentication/verify", { body: { response } })) await browser.chat();
  }
}

/** A guest who chats once and shares the conversation; strangers read the link later. */
async function sharer() {
  started.people++;
  const client = new Client(newAddress());
  const conversation = await client.chat();
  if (!conversation) return;
  const shared = await client.send("setup", `/api/conversations/${conversation}/share`, { body: {} });
  if (shared) links.push((JSON.parse(shared) as { share: { token: string } }).share.token);
}

/** A stranger opening a link someone shared (any made so far): no cookie, nothing minted. */
async function reader() {
  // The first sharers may still be at it; the wait is bounded in case every share failed.
  for (let waited = 0; !links.length && waited < 60_000; waited += 50) await new Promise((r) => setTimeout(r, 50));
  const token = links[Math.floor(Math.random() * links.length)];
  if (!token) return;
  started.readers++;
  await new Client(newAddress()).send("share read", `/api/shared/${token}`);
}

/** A guest who makes an API key (cookieless: the write makes the guest), then calls /v1 from a script at the same address. */
async function keyHolder() {
  started.people++;
  const client = new Client(newAddress());
  const created = await client.send("setup", "/api/keys", { body: { name: "bench" } });
  if (!created) return;
  const { key } = JSON.parse(created) as { key: string };
  const script = new Client(client.ip);
  for (let i = 0; i < PLAN.v1PerKey; i++)
    await script.send("v1", "/v1/chat/completions", {
      headers: { authorization: `Bearer ${key}` },
      body: { model: BENCH_MODEL, max_tokens: ANSWER_TOKENS, messages: [{ role: "user", content: "Hi" }] },
    });
}

/** A cookieless first visit (what the page asks first), then chats, the first of which makes the guest. */
async function chatter() {
  started.people++;
  const client = new Client(newAddress());
  await client.send("first visit", "/api/session");
  await client.send("first visit", "/api/status");
  for (let i = 0; i < PLAN.chatsPerChatter; i++) await client.chat();
}

/**
 * `visitor` is the id every cookieless visitor reads as (worker/auth/identity.ts, VISITOR_ID): an
 * object named for it is everybody's without a cookie, so it counts as shared whatever its prefix.
 */
const VISITOR_ID = "visitor";
const isOwn = (o: ObjectCalls) =>
  !o.name.split(":").includes(VISITOR_ID) && (o.className === "UserStore" || /^(account|owner|person):/.test(o.name));
const pct = (part: number, whole: number) => `${fmt((100 * part) / whole, 1)}%`;

function report({ objects, uncounted }: Awaited<ReturnType<typeof worker.counts>>, wallS: number, trafficStartS: number) {
  const requests = [...sent.values()].reduce((a, b) => a + b, 0);
  console.log(
    `\nscale: ${requests.toLocaleString("en")} requests from ${started.people.toLocaleString("en")} people (cookies or keys) and ${started.readers.toLocaleString("en")} link readers, ${CONCURRENCY} at a time, in ${fmt(wallS, 0)} s (${fmt(requests / wallS, 0)} requests/s); built Worker on workerd (built and started in ${fmt(trafficStartS, 0)} s), 3-token answers`,
  );
  console.log(`  ${"requests".padEnd(12)} ${"sent".padStart(7)} ${"share".padStart(7)} ${"p50 ms".padStart(7)} ${"p95 ms".padStart(7)}`);
  for (const k of KINDS) {
    const times = latencies.get(k)!;
    console.log(
      `  ${k.padEnd(12)} ${String(sent.get(k)).padStart(7)} ${pct(sent.get(k)!, requests).padStart(7)} ${(times.length ? fmt(percentile(times, 50), 0) : "-").padStart(7)} ${(times.length ? fmt(percentile(times, 95), 0) : "-").padStart(7)}`,
    );
  }
  const floors = MIX_FLOOR.map(([name, kinds, floor]) => {
    const share = (100 * kinds.reduce((a, k) => a + sent.get(k)!, 0)) / requests;
    return `${name} ${fmt(share, 1)}% (≥ ${floor}%: ${share >= floor ? "yes" : "NO"})`;
  });
  console.log(`  mix: ${floors.join("; ")}; chat and setup the rest`);
  const failed = [...failures.values()].reduce((a, b) => a + b, 0);
  console.log(`  failed: ${failed}${failed ? "" : " (every request answered as expected)"}`);
  for (const [what, count] of [...failures].sort((a, b) => b[1] - a[1]).slice(0, 8)) console.log(`    ${count}× ${what}`);

  if (uncounted.length)
    console.log(
      `  WARNING: ${uncounted.length} objects were woken without a counted call (reached around the counting wrapper), e.g. ${uncounted
        .slice(0, 3)
        .map((o) => `${o.className} "${o.name}"`)
        .join(", ")}: the figures below miss their calls`,
    );
  const sorted = [...objects].sort((a, b) => b.calls - a.calls);
  const totalCalls = sorted.reduce((a, o) => a + o.calls, 0);
  console.log(`\n  Durable Object calls: ${totalCalls.toLocaleString("en")} on ${sorted.length.toLocaleString("en")} objects`);
  console.log(`  top 10 by calls (share = calls / requests sent):`);
  console.log(`    ${"class".padEnd(12)} ${"name".padEnd(28)} ${"kind".padEnd(7)} ${"calls".padStart(8)} ${"share".padStart(8)}`);
  for (const o of sorted.slice(0, 10))
    console.log(
      `    ${o.className.padEnd(12)} ${o.name.slice(0, 28).padEnd(28)} ${(isOwn(o) ? "own" : "shared").padEnd(7)} ${String(o.calls).padStart(8)} ${pct(o.calls, requests).padStart(8)}`,
    );
  console.log(`  per class:`);
  console.log(
    `    ${"class".padEnd(12)} ${"objects".padStart(8)} ${"calls".padStart(8)} ${"share".padStart(8)}   ${"shared objects".padStart(14)} ${"their calls".padStart(11)}`,
  );
  const classes = [...new Set(sorted.map((o) => o.className))];
  for (const name of classes) {
    const of = sorted.filter((o) => o.className === name);
    const shared = of.filter((o) => !isOwn(o));
    const calls = of.reduce((a, o) => a + o.calls, 0);
    console.log(
      `    ${name.padEnd(12)} ${String(of.length).padStart(8)} ${String(calls).padStart(8)} ${pct(calls, requests).padStart(8)}   ${String(shared.length).padStart(14)} ${String(shared.reduce((a, o) => a + o.calls, 0)).padStart(11)}`,
    );
  }

  const hottest = sorted.find((o) => !isOwn(o));
  const share = hottest ? hottest.calls / requests : 0;
  // What the busiest shared objects are asked, to tell a hot path from a one-time migration.
  for (const o of sorted.filter((o) => !isOwn(o)).slice(0, 3)) {
    const methods = Object.entries(o.methods).sort((a, b) => b[1] - a[1]);
    console.log(`  shared ${o.className} "${o.name}" was asked: ${methods.map(([m, c]) => `${m} ${c}`).join(", ")}`);
  }
  const peakRps = ((DAILY_USERS * REQUESTS_PER_USER_DAY) / 86_400) * PEAK;
  const hotRps = peakRps * share;
  console.log(
    `  paper estimate: ${DAILY_USERS.toLocaleString("en")} daily users × ${REQUESTS_PER_USER_DAY} requests a day, peak ${PEAK}× the mean = ${fmt(peakRps, 0)} requests/s; the hottest shared object at this share: ${fmt(hotRps, 0)} calls/s (target < ${TARGET_RPS}: ${hotRps < TARGET_RPS ? "MET" : "NOT MET"}); share target ≤ ${TARGET_SHARE}%: ${share * 100 <= TARGET_SHARE ? "MET" : "NOT MET"}`,
  );
  console.log(`hottest shared object: ${fmt(share * 100, 1)}% of requests`);
}

const links: string[] = [];
const upstream = await startPacedUpstream({ tokens: ANSWER_TOKENS, tokensPerSecond: 5000 });
// The deployment's daily budget is raised to what a million-user deployment would set: at the default
// 100,000 neurons the run spends it part-way (each chat reserves its honest worst case) and the rest
// measures refusals. Leases are still drawn from the budget shards, which is what this bench counts;
// what happens once the budget is spent is a test (worker/spend/spend.test.ts, "once the global budget is spent").
const worker = await startCountedWorker({
  port: PORT,
  vars: { WORKERS_AI_REST_URL: upstream.url, MODEL_TITLES: "off", GLOBAL_DAILY_NEURONS: "1000000000" },
});
const app = worker.app;
try {
  await worker.reset(); // only the bench's own requests from here
  const start = performance.now();
  // One queue, so a run cut short keeps the mix: a few sharers first (readers need links), then
  // everyone else in random order, the other sharers among them; each person's requests in sequence.
  const early = Math.ceil(PLAN.sharers / 10);
  const queue = [
    ...Array.from({ length: early }, () => sharer),
    ...shuffle([
      ...Array.from({ length: PLAN.sharers - early }, () => sharer),
      ...Array.from({ length: PLAN.sharers * PLAN.readsPerLink }, () => reader),
      ...Array.from({ length: PLAN.keyHolders }, () => keyHolder),
      ...Array.from({ length: PLAN.chatters }, () => chatter),
      ...Array.from({ length: PLAN.accounts }, (_, i) => () => account(i)),
    ]),
  ];
  const ran = await runAll(queue, BUDGET_S * 1000);
  const wallS = (performance.now() - start) / 1000;
  if (ran < queue.length)
    console.log(
      `\nbudget: ${ran} of ${queue.length} people and readers started within ${BUDGET_S} s of the bench's start; the figures are over what was sent`,
    );
  report(await worker.counts(), wallS, start / 1000);
} finally {
  await worker.stop();
  await upstream.close();
}
