/**
 * Gzipped JavaScript and CSS that the app's first load needs (the entry, its static imports and
 * stylesheets, as index.html names them; the first paint itself is index.html's static shell), next
 * to everything else the build emits (lazy chunks: the markdown renderer, syntax highlighting and
 * its languages, other pages).
 *   npx tsx bench/bundle.ts
 */
import { execFileSync } from "node:child_process";
import { readdirSync, readFileSync } from "node:fs";
import { join } from "node:path";
import { gzipSync } from "node:zlib";

const OUT = "dist/client";
execFileSync(process.execPath, ["node_modules/vite/bin/vite.js", "build", "--logLevel", "error"], { stdio: "inherit" });

const gz = (file: string) => gzipSync(readFileSync(join(OUT, file)), { level: 9 }).length;
const kb = (bytes: number) => `${(bytes / 1024).toFixed(1)} KB`;

const html = readFileSync(join(OUT, "index.html"), "utf8");
const firstPaint = [...html.matchAll(/(?:src|href)="\/(assets\/[^"]+\.(?:js|css))"/g)].map((m) => m[1]);
const all = readdirSync(join(OUT, "assets"))
  .filter((f) => /\.(js|css)$/.test(f))
  .map((f) => `assets/${f}`);
const lazy = all.filter((f) => !firstPaint.includes(f));

console.log("First load of any page (index.html):");
for (const f of firstPaint) console.log(`  ${f.padEnd(48)} ${kb(gz(f)).padStart(10)}`);
const firstTotal = firstPaint.reduce((sum, f) => sum + gz(f), 0);
console.log(`  ${"total gzipped".padEnd(48)} ${kb(firstTotal).padStart(10)}   (target for the chat page: 150 KB)`);
const lazyTotal = lazy.reduce((sum, f) => sum + gz(f), 0);
console.log(`Loaded on demand: ${lazy.length} chunks, ${kb(lazyTotal)} gzipped; largest:`);
for (const f of lazy.sort((a, b) => gz(b) - gz(a)).slice(0, 6)) console.log(`  ${f.padEnd(48)} ${kb(gz(f)).padStart(10)}`);

// Per page, in Chromium on the built files: what each page fetches by the app's first render
// (resources requested before React replaced the static shell) and once its network is idle (the
// markdown renderer is preloaded right after the chat page renders), and whether the other pages'
// code and the syntax highlighter's languages stay out until asked for.
const { launchChromium, serveBuilt } = await import("./browser");
const site = await serveBuilt({ appDir: OUT });
const browser = await launchChromium();
const gzOf = (url: string) => {
  const path = new URL(url).pathname.slice(1);
  return all.includes(path) ? gz(path) : 0;
};
try {
  console.log("Per page, gzipped JS+CSS fetched (Chromium, production build):");
  console.log(
    `  ${"page".padEnd(10)} ${"by first render".padStart(15)} ${"by network idle".padStart(16)}   other pages' chunks, markdown renderer, highlighter languages fetched`,
  );
  let chatFirstPaint = 0;
  const shiki = new Set(
    ["node_modules/@shikijs/langs/dist", "node_modules/@shikijs/themes/dist"].flatMap((dir) =>
      readdirSync(dir)
        .filter((f) => f.endsWith(".mjs"))
        .map((f) => f.slice(0, -4)),
    ),
  );
  shiki.delete("index");
  const langChunk = (f: string) => shiki.has(/^assets\/(.+)-[A-Za-z0-9_-]{8}\.js$/.exec(f)?.[1] ?? "");
  for (const path of ["/", "/images", "/vision"]) {
    const page = await browser.newPage();
    // The first paint is index.html's static shell and waits for no script (bench/first-paint.ts), so
    // what counts is what the app's first render needs: everything requested before React replaced
    // the shell. The markdown preload starts later, when the browser is idle, and is not counted.
    await page.addInitScript(() => {
      new MutationObserver((_, observer) => {
        if (document.querySelector("#root") && !document.querySelector("#root > .shell")) {
          (window as unknown as { __appRendered: number }).__appRendered = performance.now();
          observer.disconnect();
        }
      }).observe(document, { childList: true, subtree: true });
    });
    await page.goto(`${site.url}${path}`, { waitUntil: "networkidle" });
    const entries = await page.evaluate(() => {
      const rendered = (window as unknown as { __appRendered?: number }).__appRendered ?? Infinity;
      return {
        rendered,
        resources: (performance.getEntriesByType("resource") as PerformanceResourceTiming[]).map((e) => ({
          url: e.name,
          start: e.startTime,
        })),
        scripts: [...document.querySelectorAll("script[src], link[rel=stylesheet], link[rel=modulepreload]")].map(
          (e) => (e as HTMLScriptElement).src || (e as HTMLLinkElement).href,
        ),
      };
    });
    await page.close();
    const assets = [...entries.scripts.map((url) => ({ url, start: 0 })), ...entries.resources].filter((r) => /\.(js|css)$/.test(r.url));
    const unique = new Map(assets.map((a) => [a.url, a.start]));
    const first = [...unique].filter(([, start]) => start <= entries.rendered).reduce((sum, [url]) => sum + gzOf(url), 0);
    const idle = [...unique].reduce((sum, [url]) => sum + gzOf(url), 0);
    if (path === "/") chatFirstPaint = first;
    const names = [...unique.keys()].map((u) => new URL(u).pathname.slice(1));
    const others = names.filter(
      (f) =>
        (path !== "/images" && /ImagesPage/.test(f)) ||
        (path !== "/vision" && /VisionPage/.test(f)) ||
        langChunk(f) ||
        /Markdown|code-/.test(f),
    );
    console.log(`  ${path.padEnd(10)} ${kb(first).padStart(15)} ${kb(idle).padStart(16)}   ${others.length ? others.join(", ") : "none"}`);
  }
  const langs = all.filter(langChunk);
  console.log(`  chat page by first render: ${kb(chatFirstPaint)}   target ≤ 150 KB   ${chatFirstPaint <= 150 * 1024 ? "MET" : "NOT MET"}`);
  console.log(
    `  the build has ${langs.length} highlighter language and theme chunks, each loaded only when an answer's code block asks for it`,
  );
} finally {
  await browser.close();
  await site.close();
}
