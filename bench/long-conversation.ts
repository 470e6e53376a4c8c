/**
 * Long conversations: a conversation of 500 messages (seeded through the API: one `POST /api/chat`
 * whose history carries 499 messages, so the Worker stores them all, plus the answer) opened in
 * the production build of the chat page by clicking it in the sidebar, then scrolled from the
 * bottom to the top with the mouse wheel. Reports scripting and main-thread time of the open (until
 * every message is in the page, and again after highlighting settles) and the long tasks of both.
 *   npm run bench:long            MESSAGES=500
 */
import { startFakeWorkersAi } from "../e2e/support/fake-workers-ai";
import { ensureAppBuilt, launchChromium, measureWindow, observeLongTasks, serveBuilt, type MainThreadFigures } from "./browser";
import { fmt, newIdentity, startStack } from "./stack";

const MESSAGES = Number(process.env.MESSAGES ?? 500);
const TITLE = "Long conversation benchmark";

function assistantText(i: number): string {
  const code = i % 10 === 0 ? `\n\n\`\`\`ts\nexport function step${i}(x: number): number {\n  return x * ${i} + 1;\n}\n\`\`\`\n` : "";
  return (
    `Here is answer **${i}**. The Worker checks the \`identity\` cookie, saves the question and streams the answer; ` +
    `see [the docs](https://developers.cloudflare.com/workers-ai/).\n\n- point one for ${i}\n- point two\n- point three\n\n` +
    `A closing paragraph that runs on for a little while, as answers do, so that each message takes a few lines on screen.${code}`
  );
}

const appDir = ensureAppBuilt();
const fake = await startFakeWorkersAi();
fake.setScript({ text: "The end.", tokensPerSecond: 0 });
const stack = await startStack({ port: 5187, enginePort: 8887, env: { WORKERS_AI_REST_URL: fake.url } });
const site = await serveBuilt({ appDir, apiOrigin: stack.app });
const browser = await launchChromium();
try {
  const cookie = await newIdentity(stack.app);
  const id = "longconversationxxxxxxxxxx";
  const history = Array.from({ length: MESSAGES - 1 }, (_, i) =>
    i % 2 === 0
      ? { id: `m${i}`, role: "user", parts: [{ type: "text", text: i === 0 ? TITLE : `Question ${i}: and what about case ${i}?` }] }
      : { id: `m${i}`, role: "assistant", parts: [{ type: "text", text: assistantText(i) }] },
  );
  const seeded = await fetch(`${stack.app}/api/chat`, {
    method: "POST",
    headers: { "content-type": "application/json", cookie },
    body: JSON.stringify({ id, messages: history, model: "@cf/meta/llama-3.2-1b-instruct" }),
  });
  if (!seeded.ok) throw new Error(`Seeding failed: HTTP ${seeded.status} ${await seeded.text()}`);
  await seeded.text();
  const stored = (await (await fetch(`${stack.app}/api/conversations/${id}`, { headers: { cookie } })).json()) as { messages: unknown[] };

  const context = await browser.newContext({ viewport: { width: 1280, height: 900 } });
  const [name, value] = cookie.split("=");
  await context.addCookies([{ name, value, url: site.url }]);
  const page = await context.newPage();
  await observeLongTasks(page);
  await page.goto(`${site.url}/`);
  const link = page.getByRole("link", { name: TITLE });
  await link.waitFor();
  await page.waitForTimeout(1500); // the markdown renderer's preload

  const open = await measureWindow(page);
  await link.click();
  await page.waitForFunction((n) => document.querySelectorAll('[aria-label="Messages"] article').length >= n, stored.messages.length, {
    polling: "raf",
    timeout: 60_000,
  });
  const opened = await open.stop();
  const settle = await measureWindow(page);
  await page.waitForTimeout(2000); // lazy highlighting of the code blocks
  const settled = await settle.stop();

  const box = (await page.locator('[aria-label="Messages"]').boundingBox())!;
  await page.mouse.move(box.x + box.width / 2, 450);
  const scroll = await measureWindow(page);
  const scroller = page.locator('[aria-label="Messages"]').locator("xpath=../..");
  for (let i = 0; i < 400; i++) {
    await page.mouse.wheel(0, -600);
    await page.waitForTimeout(16);
    if (i % 20 === 19 && (await scroller.evaluate((el) => el.scrollTop)) === 0) break;
  }
  const scrolled = await scroll.stop();
  const atTop = await scroller.evaluate((el) => el.scrollTop);
  await context.close();

  const row = (name: string, f: MainThreadFigures) =>
    console.log(
      `  ${name.padEnd(44)} ${fmt(f.wallMs, 0).padStart(8)} ${fmt(f.scriptMs, 0).padStart(9)} ${fmt(f.busyMs, 0).padStart(8)} ${fmt(f.layoutMs, 0).padStart(12)} ${fmt(f.longestTaskMs, 0).padStart(8)} ${String(f.tasksOver50).padStart(6)}`,
    );
  console.log(
    `Long conversation: ${stored.messages.length} stored messages (every 10th answer has a code block), production build in Chromium`,
  );
  console.log(
    `  ${"".padEnd(44)} ${"wall ms".padStart(8)} ${"script ms".padStart(9)} ${"busy ms".padStart(8)} ${"style+layout".padStart(12)} ${"longest".padStart(8)} ${">50ms".padStart(6)}`,
  );
  row("open (click → all messages in the page)", opened);
  row("then 2 s more (highlighting settles)", settled);
  row(`scroll bottom → top (wheel; reached top: ${atTop === 0 ? "yes" : "no"})`, scrolled);
  console.log(`  open scripting ${fmt(opened.scriptMs, 0)} ms: target < 300 ms   ${opened.scriptMs < 300 ? "MET" : "NOT MET"}`);
  console.log(`  scroll: target no task over 50 ms   ${scrolled.tasksOver50 === 0 ? "MET" : "NOT MET"}`);
} finally {
  await browser.close();
  await site.close();
  stack.stop();
  await fake.close();
}
