/**
 * Streaming render in Chromium: an answer of 2k, 4k and 8k tokens of markdown (headings, lists,
 * tables, code in six languages) streamed at 200 tokens/s into the real chat page — the production
 * build of the app, its real `POST /api/chat` through the Worker, the e2e fake Workers AI as the
 * model — against a naive baseline page that reads the same stream and re-renders the whole message
 * with react-markdown on every chunk (bench/pages/naive.tsx). Per run: main-thread busy time
 * (CDP TaskDuration), scripting (ScriptDuration), style+layout, the longest task and tasks over
 * 50 ms (PerformanceObserver "longtask").
 *   npm run bench:render          SIZES=2000,4000,8000 RATE=200
 */
import { startFakeWorkersAi } from "../e2e/support/fake-workers-ai";
import {
  ensureAppBuilt,
  ensurePagesBuilt,
  launchChromium,
  measureWindow,
  observeLongTasks,
  serveBuilt,
  type MainThreadFigures,
} from "./browser";
import { markdownAnswer } from "./markdown-sample";
import { fmt, startStack } from "./stack";

const SIZES = (process.env.SIZES ?? "2000,4000,8000").split(",").map(Number);
const RATE = Number(process.env.RATE ?? 200);

const appDir = ensureAppBuilt();
const pagesDir = ensurePagesBuilt();
const fake = await startFakeWorkersAi();
const stack = await startStack({ port: 5186, enginePort: 8886, env: { WORKERS_AI_REST_URL: fake.url } });
const site = await serveBuilt({ appDir, pagesDir, apiOrigin: stack.app });
const browser = await launchChromium();
let n = 0;
const conversationId = () => `render${String(n++).padStart(4, "0")}xxxxxxxxxxxx`;

async function chatPage(tokens: number): Promise<MainThreadFigures> {
  const context = await browser.newContext({ viewport: { width: 1280, height: 900 } });
  const page = await context.newPage();
  await observeLongTasks(page);
  await page.goto(`${site.url}/`);
  const composer = page.getByPlaceholder(/Message the model/);
  await composer.waitFor();
  await page.waitForTimeout(1500); // identity, status, the markdown chunk's preload
  const window = await measureWindow(page);
  await composer.fill("Write it all.");
  await composer.press("Enter");
  await page.waitForFunction(
    () =>
      document.querySelector('[aria-label="Messages"]')?.getAttribute("aria-busy") === "false" &&
      document.querySelector('article[aria-label="Assistant"]'),
    undefined,
    { timeout: (tokens / RATE) * 3000 + 60_000, polling: 250 },
  );
  const figures = await window.stop();
  await context.close();
  return figures;
}

async function naivePage(tokens: number): Promise<MainThreadFigures> {
  const context = await browser.newContext({ viewport: { width: 1280, height: 900 } });
  const page = await context.newPage();
  await observeLongTasks(page);
  await page.goto(`${site.url}/bench/naive.html`);
  await page.waitForFunction(() => "startStream" in window);
  const window = await measureWindow(page);
  const id = conversationId();
  await page.evaluate((id) => void (globalThis as unknown as { startStream: (id: string) => void }).startStream(id), id);
  await page.waitForSelector("#done", { timeout: (tokens / RATE) * 3000 + 60_000, state: "attached" });
  const figures = await window.stop();
  await context.close();
  return figures;
}

try {
  const results: { tokens: number; app: MainThreadFigures; naive: MainThreadFigures }[] = [];
  await (async () => {
    fake.setScript({ text: markdownAnswer(200), tokensPerSecond: 0 });
    await chatPage(200); // warm-up: workerd, the Durable Object, Chromium's caches
  })();
  for (const tokens of SIZES) {
    fake.setScript({ text: markdownAnswer(tokens), tokensPerSecond: RATE });
    const app = await chatPage(tokens);
    const naive = await naivePage(tokens);
    results.push({ tokens, app, naive });
  }
  console.log(`Streaming render in Chromium: markdown answers streamed at ${RATE} tokens/s (4-character tokens), one run each`);
  console.log(
    `  ${"page".padEnd(34)} ${"tokens".padStart(6)} ${"wall s".padStart(7)} ${"busy ms".padStart(8)} ${"script ms".padStart(9)} ${"style+layout".padStart(12)} ${"longest".padStart(8)} ${">50ms".padStart(6)}`,
  );
  const row = (name: string, tokens: number, f: MainThreadFigures) =>
    console.log(
      `  ${name.padEnd(34)} ${String(tokens).padStart(6)} ${fmt(f.wallMs / 1000).padStart(7)} ${fmt(f.busyMs, 0).padStart(8)} ${fmt(f.scriptMs, 0).padStart(9)} ${fmt(f.layoutMs, 0).padStart(12)} ${fmt(f.longestTaskMs, 0).padStart(8)} ${String(f.tasksOver50).padStart(6)}`,
    );
  for (const r of results) row("chat page (Streamdown)", r.tokens, r.app);
  for (const r of results) row("naive react-markdown (baseline)", r.tokens, r.naive);
  const growth = (pick: (r: (typeof results)[number]) => MainThreadFigures) =>
    results
      .slice(1)
      .map((r, i) => `${results[i].tokens}→${r.tokens}: ×${fmt(pick(r).scriptMs / pick(results[i]).scriptMs, 2)}`)
      .join(", ");
  console.log(
    `  scripting growth per doubling (linear ≈ ×2, quadratic ≈ ×4): chat page ${growth((r) => r.app)}; naive ${growth((r) => r.naive)}`,
  );
  const worst = Math.max(...results.map((r) => r.app.longestTaskMs));
  console.log(
    `  chat page longest task ${fmt(worst, 0)} ms: target no task over 50 ms   ${results.every((r) => r.app.tasksOver50 === 0) ? "MET" : "NOT MET"}`,
  );
} finally {
  await browser.close();
  await site.close();
  stack.stop();
  await fake.close();
}
