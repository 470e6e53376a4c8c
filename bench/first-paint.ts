/**
 * First paint on a slow phone: the production build (`vite build`, then `vite preview` running the
 * built Worker and its static assets in workerd) behind a gzip-compressing proxy, as Cloudflare's edge
 * serves it, loaded cold in Debian's Chromium with Lighthouse's mobile settings applied through the
 * DevTools protocol: 562.5 ms round trip, 1,474.56 kbps down, 675 kbps up, 4x CPU slowdown, a
 * 412x823 mobile viewport, an empty cache and a new browser profile for every load.
 * Per page: first contentful paint, largest contentful paint, total blocking time and cumulative
 * layout shift, median of RUNS loads, next to two floors built and served the same way in the same run:
 * a bare Vite + React page (client-rendered: nothing paints before React runs) and a static HTML page
 * (one response, nothing to wait for).
 *   npm run bench:first-paint          RUNS=7 PAGES=/,/images,/vision FIRST_PAINT_PORT=5196
 *
 * Lighthouse itself (the npm package) was not used: its default "simulated" throttling estimates
 * timings from an unthrottled load rather than measuring them, and the devtools throttling it offers
 * is these same CDP calls, which this script makes directly, without a ~20 MB dependency.
 */
import { execFileSync } from "node:child_process";
import type { Browser, Page } from "playwright-core";
import { startFakeWorkersAi } from "../e2e/support/fake-workers-ai";
import { launchChromium } from "./browser";
import { startCompressingProxy } from "./compressing-proxy";
import { fmt, median, startPreviewStack } from "./stack";

const RUNS = Number(process.env.RUNS ?? 7);
const PAGES = (process.env.PAGES ?? "/,/images,/vision").split(",");
const PORT = Number(process.env.FIRST_PAINT_PORT ?? 5196);
const FLOORS = [
  { path: "/bench/bare.html", label: "floor: bare Vite + React page" },
  { path: "/bench/static.html", label: "floor: static HTML page" },
];
/** Lighthouse's network and CPU quiet windows (networkQuietThresholdMs, cpuQuietThresholdMs). */
const QUIET_MS = 1000;
const TARGET = { fcpMs: 1500, lcpMs: 2500, cls: 0.1 };

/** Lighthouse's mobile preset (lighthouse-core/config/constants.js, mobileSlow4G + the moto g power screen). */
const THROTTLING = { latencyMs: 562.5, downloadKbps: 1474.56, uploadKbps: 675, cpuSlowdown: 4 };
const DEVICE = { viewport: { width: 412, height: 823 }, deviceScaleFactor: 1.75, isMobile: true, hasTouch: true };

interface Load {
  fcpMs: number;
  lcpMs: number;
  lcpElement: string;
  tbtMs: number;
  cls: number;
  /** DOMContentLoaded: the page's scripts have run (module scripts run before it). */
  dclMs: number;
  cspViolations: string[];
}

/**
 * Runs in the page before any of its scripts: records what the browser reports as it happens. No
 * named inner functions: tsx would wrap them in a `__name` helper that the page does not have.
 */
function observeFirstPaint() {
  const figures = {
    fcp: 0,
    lcp: 0,
    lcpElement: "",
    shifts: [] as { start: number; value: number }[],
    tasks: [] as { start: number; duration: number }[],
    csp: [] as string[],
  };
  (window as unknown as { __firstPaint: typeof figures }).__firstPaint = figures;
  const handlers: [string, (entry: PerformanceEntry) => void][] = [
    [
      "paint",
      (e) => {
        if (e.name === "first-contentful-paint") figures.fcp = e.startTime;
      },
    ],
    [
      "largest-contentful-paint",
      (e) => {
        figures.lcp = e.startTime;
        // Described now: the element may be gone by the end (React replaces the static shell).
        const element = (e as PerformanceEntry & { element: Element | null }).element;
        figures.lcpElement = element
          ? `<${element.tagName.toLowerCase()}> "${(element.textContent ?? "").trim().slice(0, 40)}"`
          : "(removed)";
      },
    ],
    [
      "layout-shift",
      (e) => {
        const shift = e as PerformanceEntry & { value: number; hadRecentInput: boolean };
        if (!shift.hadRecentInput) figures.shifts.push({ start: shift.startTime, value: shift.value });
      },
    ],
    ["longtask", (e) => figures.tasks.push({ start: e.startTime, duration: e.duration })],
  ];
  for (const [type, each] of handlers) new PerformanceObserver((list) => list.getEntries().forEach(each)).observe({ type, buffered: true });
  document.addEventListener("securitypolicyviolation", (e) =>
    figures.csp.push(`${e.effectiveDirective} blocked ${e.blockedURI || "inline"}`),
  );
}

/** CLS as Chrome defines it: the largest session window of shifts (gaps under 1 s, at most 5 s long). */
function cumulativeLayoutShift(shifts: { start: number; value: number }[]): number {
  let worst = 0;
  let current = 0;
  let windowStart = -Infinity;
  let previous = -Infinity;
  for (const shift of [...shifts].sort((a, b) => a.start - b.start)) {
    if (shift.start - previous >= 1000 || shift.start - windowStart >= 5000) {
      current = 0;
      windowStart = shift.start;
    }
    current += shift.value;
    previous = shift.start;
    worst = Math.max(worst, current);
  }
  return worst;
}

/** TBT as Lighthouse counts it: each main-thread task's time past 50 ms, from first contentful paint on. */
function totalBlockingTime(tasks: { start: number; duration: number }[], fcp: number): number {
  return tasks.reduce((sum, task) => {
    const end = task.start + task.duration;
    if (end <= fcp) return sum;
    const counted = end - Math.max(task.start, fcp);
    return sum + Math.max(0, Math.min(counted, task.duration - 50));
  }, 0);
}

/** Requests the page has open, and when the last one ended. */
function trackInFlight(page: Page) {
  const state = { open: 0, lastEnd: performance.now() };
  const end = () => {
    state.open--;
    state.lastEnd = performance.now();
  };
  page.on("request", () => state.open++);
  page.on("requestfinished", end);
  page.on("requestfailed", end);
  return state;
}

/**
 * As Lighthouse ends a load: once it has painted and both the network and the main thread have been
 * quiet for a second (API calls, lazy chunks and the renders they cause are done). "networkidle"
 * alone is not enough: at 4x CPU the app's script can run for longer than its 500 ms window between
 * the bundle arriving and the first API call.
 */
async function settled(page: Page, network: { open: number; lastEnd: number }) {
  const deadline = performance.now() + 120_000;
  for (;;) {
    const page_ = await page.evaluate(() => {
      const f = (window as unknown as { __firstPaint: { fcp: number; lcp: number; tasks: { start: number; duration: number }[] } })
        .__firstPaint;
      const lastTask = f.tasks.at(-1);
      return { painted: f.fcp > 0 && f.lcp > 0, cpuQuietMs: performance.now() - (lastTask ? lastTask.start + lastTask.duration : 0) };
    });
    const networkQuietMs = network.open > 0 ? 0 : performance.now() - network.lastEnd;
    if (page_.painted && page_.cpuQuietMs >= QUIET_MS && networkQuietMs >= QUIET_MS) return;
    if (performance.now() > deadline) throw new Error(`The page never settled: ${JSON.stringify({ ...page_, networkQuietMs })}`);
    await new Promise((r) => setTimeout(r, 100));
  }
}

async function coldLoad(browser: Browser, url: string): Promise<Load> {
  const context = await browser.newContext(DEVICE);
  try {
    const page = await context.newPage();
    const cdp = await context.newCDPSession(page);
    await cdp.send("Network.enable");
    await cdp.send("Network.clearBrowserCache");
    await cdp.send("Network.emulateNetworkConditions", {
      offline: false,
      latency: THROTTLING.latencyMs,
      downloadThroughput: (THROTTLING.downloadKbps * 1024) / 8,
      uploadThroughput: (THROTTLING.uploadKbps * 1024) / 8,
    });
    await cdp.send("Emulation.setCPUThrottlingRate", { rate: THROTTLING.cpuSlowdown });
    await page.addInitScript(observeFirstPaint);
    const network = trackInFlight(page);
    await page.goto(url, { waitUntil: "load", timeout: 120_000 });
    await settled(page, network);
    const raw = await page.evaluate(() => {
      const f = (
        window as unknown as {
          __firstPaint: {
            fcp: number;
            lcp: number;
            lcpElement: string;
            shifts: { start: number; value: number }[];
            tasks: { start: number; duration: number }[];
            csp: string[];
          };
        }
      ).__firstPaint;
      const nav = performance.getEntriesByType("navigation")[0] as PerformanceNavigationTiming;
      return {
        ...f,
        dcl: nav.domContentLoadedEventEnd,
        visibility: document.visibilityState,
        paints: performance.getEntriesByType("paint").length,
      };
    });
    if (!raw.fcp || !raw.lcp) throw new Error(`${url}: no paint was reported: ${JSON.stringify(raw)}`);
    return {
      fcpMs: raw.fcp,
      lcpMs: raw.lcp,
      lcpElement: raw.lcpElement,
      tbtMs: totalBlockingTime(raw.tasks, raw.fcp),
      cls: cumulativeLayoutShift(raw.shifts),
      dclMs: raw.dcl,
      cspViolations: raw.csp,
    };
  } finally {
    await context.close();
  }
}

function mostCommon(values: string[]): string {
  const counts = new Map<string, number>();
  for (const v of values) counts.set(v, (counts.get(v) ?? 0) + 1);
  return [...counts].sort((a, b) => b[1] - a[1])[0]?.[0] ?? "";
}

// The floors are rebuilt in this run, beside the app, so both come from the same toolchain and machine state.
execFileSync(
  process.execPath,
  ["node_modules/vite/bin/vite.js", "build", "--config", "bench/pages/vite.config.ts", "--logLevel", "error"],
  { stdio: "inherit" },
);
const fake = await startFakeWorkersAi();
const stack = await startPreviewStack({ port: PORT, env: { WORKERS_AI_REST_URL: fake.url } }); // builds the app
const proxy = await startCompressingProxy({ upstream: stack.app, staticDirs: { "/bench/": ".cache/bench-pages" } });
const browser = await launchChromium();
const targets = [...PAGES.map((path) => ({ path, label: path })), ...FLOORS];
const loads = new Map<string, Load[]>(targets.map((t) => [t.path, []]));
try {
  await coldLoad(browser, `${proxy.url}/`); // warm-up: workerd, the Durable Object, Chromium itself
  // Round-robin, so a slow moment on the shared machine lands on every page, not all on one.
  for (let run = 0; run < RUNS; run++) {
    for (const { path } of targets) loads.get(path)!.push(await coldLoad(browser, `${proxy.url}${path}`));
  }
} finally {
  await browser.close();
  await proxy.close();
  stack.stop();
  await fake.close();
}

const mobile = `${THROTTLING.latencyMs} ms RTT, ${THROTTLING.downloadKbps} kbps down, ${THROTTLING.uploadKbps} kbps up, ${THROTTLING.cpuSlowdown}x CPU`;
console.log(
  `First paint, production build behind gzip, Lighthouse mobile throttling via CDP (${mobile}), 412x823, cold cache; median of ${RUNS} loads (min–max)`,
);
console.log(
  `  ${"page".padEnd(32)} ${"FCP ms".padStart(17)} ${"LCP ms".padStart(17)} ${"TBT ms".padStart(7)} ${"CLS".padStart(6)} ${"DCL ms".padStart(7)}   LCP element`,
);
const range = (values: number[]) => `${fmt(median(values), 0)} (${fmt(Math.min(...values), 0)}–${fmt(Math.max(...values), 0)})`;
const verdicts: string[] = [];
for (const { path, label } of targets) {
  const runs = loads.get(path)!;
  const fcp = median(runs.map((r) => r.fcpMs));
  const lcp = median(runs.map((r) => r.lcpMs));
  const cls = median(runs.map((r) => r.cls));
  console.log(
    `  ${label.padEnd(32)} ${range(runs.map((r) => r.fcpMs)).padStart(17)} ${range(runs.map((r) => r.lcpMs)).padStart(17)} ${fmt(median(runs.map((r) => r.tbtMs)), 0).padStart(7)} ${fmt(cls, 3).padStart(6)} ${fmt(median(runs.map((r) => r.dclMs)), 0).padStart(7)}   ${mostCommon(runs.map((r) => r.lcpElement))}`,
  );
  const violations = [...new Set(runs.flatMap((r) => r.cspViolations))];
  if (violations.length) console.log(`    CSP violations: ${violations.join("; ")}`);
  if (PAGES.includes(path)) {
    const met = fcp <= TARGET.fcpMs && lcp <= TARGET.lcpMs && cls < TARGET.cls;
    verdicts.push(`${path} ${met ? "MET" : "NOT MET"}`);
  }
}
console.log(`  targets: FCP ≤ ${TARGET.fcpMs} ms, LCP ≤ ${TARGET.lcpMs} ms, CLS < ${TARGET.cls}: ${verdicts.join(", ")}`);
