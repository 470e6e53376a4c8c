import { execFileSync } from "node:child_process";
import { existsSync, readdirSync, readFileSync, statSync } from "node:fs";
import { createServer, request as httpRequest } from "node:http";
import type { AddressInfo } from "node:net";
import { extname, join, normalize, resolve } from "node:path";
import { chromium, type Browser, type Page } from "playwright-core";

/** Debian's Chromium, as the browser tests use it. */
export function launchChromium(): Promise<Browser> {
  return chromium.launch({
    executablePath: process.env.CHROMIUM_PATH ?? "/usr/bin/chromium",
    args: ["--headless", "--no-sandbox", "--disable-gpu", "--disable-background-networking", "--disable-component-update"],
  });
}

/** Newest modification time under these paths (files only). */
function newest(paths: string[]): number {
  let latest = 0;
  const walk = (p: string) => {
    const s = statSync(p);
    if (s.isDirectory()) for (const entry of readdirSync(p)) walk(join(p, entry));
    else latest = Math.max(latest, s.mtimeMs);
  };
  for (const p of paths) if (existsSync(p)) walk(p);
  return latest;
}

/**
 * The production build of the app (dist/client), rebuilt when any source is newer: browser figures
 * come from what people get, not from Vite's dev modules and React's development build.
 */
export function ensureAppBuilt(): string {
  const out = "dist/client/index.html";
  const sources = ["app", "contract", "index.html", "public", "vite.config.ts", "package.json"];
  if (!existsSync(out) || statSync(out).mtimeMs < newest(sources)) {
    execFileSync(process.execPath, ["node_modules/vite/bin/vite.js", "build", "--logLevel", "error"], { stdio: "inherit" });
  }
  return "dist/client";
}

/** The benchmark harness pages (bench/pages), built for production into .cache/bench-pages. */
export function ensurePagesBuilt(): string {
  const outDir = ".cache/bench-pages";
  const sources = ["bench/pages", "app/ui/resize-image.ts", "contract"];
  if (!existsSync(join(outDir, "naive.html")) || statSync(join(outDir, "naive.html")).mtimeMs < newest(sources)) {
    execFileSync(
      process.execPath,
      ["node_modules/vite/bin/vite.js", "build", "--config", "bench/pages/vite.config.ts", "--logLevel", "error"],
      { stdio: "inherit" },
    );
  }
  return outDir;
}

const TYPES: Record<string, string> = {
  ".html": "text/html",
  ".js": "text/javascript",
  ".css": "text/css",
  ".svg": "image/svg+xml",
  ".json": "application/json",
  ".jpg": "image/jpeg",
  ".wasm": "application/wasm",
};

/**
 * Serves built files (the app's at /, the harness pages at /bench/) and passes /api/* to a running
 * stack's Worker, streaming both ways. The browser sees one origin, as in production; the Origin
 * header is rewritten to the stack's so the Worker's same-origin check holds.
 */
export async function serveBuilt(opts: { appDir: string; pagesDir?: string; apiOrigin?: string; files?: Record<string, Buffer> }) {
  const api = opts.apiOrigin ? new URL(opts.apiOrigin) : undefined;
  const server = createServer((req, res) => {
    const url = new URL(req.url ?? "/", "http://bench");
    if (url.pathname.startsWith("/api/") && api) {
      const headers = { ...req.headers, host: api.host, ...(req.headers.origin ? { origin: api.origin } : {}) };
      const upstream = httpRequest({ host: api.hostname, port: api.port, method: req.method, path: req.url, headers }, (up) => {
        res.writeHead(up.statusCode ?? 502, up.headers);
        up.pipe(res);
      });
      upstream.setNoDelay(true);
      upstream.on("error", () => res.destroy());
      req.pipe(upstream);
      return;
    }
    const extra = opts.files?.[url.pathname];
    if (extra) return res.writeHead(200, { "content-type": TYPES[extname(url.pathname)] ?? "application/octet-stream" }).end(extra);
    const [root, path] =
      url.pathname.startsWith("/bench/") && opts.pagesDir ? [opts.pagesDir, url.pathname.slice(6)] : [opts.appDir, url.pathname];
    let file = resolve(root, "." + normalize(path));
    if (!file.startsWith(resolve(root)) || !existsSync(file) || statSync(file).isDirectory()) file = resolve(root, "index.html"); // SPA routes
    res.writeHead(200, { "content-type": TYPES[extname(file)] ?? "application/octet-stream" }).end(readFileSync(file));
  });
  await new Promise<void>((r) => server.listen(0, "127.0.0.1", r));
  return {
    url: `http://127.0.0.1:${(server.address() as AddressInfo).port}`,
    close: () =>
      new Promise<void>((r) => {
        server.closeAllConnections();
        server.close(() => r());
      }),
  };
}

/** Collects long tasks (PerformanceObserver "longtask") from the page's start; call before goto. */
export async function observeLongTasks(page: Page): Promise<void> {
  await page.addInitScript(() => {
    const tasks: { start: number; duration: number }[] = [];
    (window as unknown as { __longTasks: typeof tasks }).__longTasks = tasks;
    new PerformanceObserver((list) => {
      for (const entry of list.getEntries()) tasks.push({ start: entry.startTime, duration: entry.duration });
    }).observe({ type: "longtask", buffered: true });
  });
}

export interface MainThreadFigures {
  /** Wall time of the window, ms. */
  wallMs: number;
  /** Main-thread task time (CDP TaskDuration), ms. */
  busyMs: number;
  /** JavaScript (CDP ScriptDuration), ms. */
  scriptMs: number;
  /** Style recalculation + layout, ms. */
  layoutMs: number;
  longestTaskMs: number;
  tasksOver50: number;
}

/**
 * Measures the page's main thread over a window: CDP Performance.getMetrics before and after
 * (task, script, style and layout time) and the long tasks the page observed in between.
 */
export async function measureWindow(page: Page): Promise<{ stop(): Promise<MainThreadFigures> }> {
  const cdp = await page.context().newCDPSession(page);
  await cdp.send("Performance.enable", { timeDomain: "timeTicks" });
  const metrics = async () => {
    const { metrics } = await cdp.send("Performance.getMetrics");
    return Object.fromEntries(metrics.map((m) => [m.name, m.value])) as Record<string, number>;
  };
  const before = await metrics();
  const t0 = await page.evaluate(() => performance.now());
  return {
    async stop() {
      const t1 = await page.evaluate(() => performance.now());
      const after = await metrics();
      const tasks = (
        await page.evaluate(() => (window as unknown as { __longTasks: { start: number; duration: number }[] }).__longTasks)
      ).filter((t) => t.start + t.duration >= t0 && t.start <= t1);
      await cdp.detach();
      const d = (k: string) => ((after[k] ?? 0) - (before[k] ?? 0)) * 1000;
      return {
        wallMs: t1 - t0,
        busyMs: d("TaskDuration"),
        scriptMs: d("ScriptDuration"),
        layoutMs: d("LayoutDuration") + d("RecalcStyleDuration"),
        longestTaskMs: Math.max(0, ...tasks.map((t) => t.duration)),
        tasksOver50: tasks.filter((t) => t.duration > 50).length,
      };
    },
  };
}
