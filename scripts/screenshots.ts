/**
 * `npm run screenshots`: the README's pictures, taken from the real app. It starts the browser tests'
 * fake stack (Vite, the Worker in workerd, and the scripted fake Workers AI of e2e/support/), asks
 * for a markdown answer, an image and a photo's description in Debian's Chromium, light and dark, at
 * a desktop and a phone width, and writes palette PNGs to docs/screenshots/, each under 200 KB.
 *
 *   E2E_PORT_BASE  moves the ports like the browser tests do (app on base + 2, fake on base + 3622)
 *   CHROMIUM_PATH  the browser (default /usr/bin/chromium)
 */
import { spawn } from "node:child_process";
import { mkdirSync, statSync, writeFileSync } from "node:fs";
import { resolve } from "node:path";
import { chromium, expect, type Browser, type Page } from "@playwright/test";
import sharp from "sharp";

const BASE = Number(process.env.E2E_PORT_BASE ?? 5174);
const APP = `http://localhost:${BASE + 2}`;
const FAKE_AI = `http://127.0.0.1:${BASE + 3622}`;
const OUT = resolve("docs/screenshots");
const MAX_BYTES = 200 * 1024;
const WAIT = { timeout: 120_000 };

const THEMES = ["light", "dark"] as const;
const SIZES = { desktop: { width: 1280, height: 800 }, phone: { width: 390, height: 844 } } as const;

const QUESTION = "How do I read a file line by line in TypeScript?";
const ANSWER = [
  "Use Node's `readline` module with a file stream: it hands you **one line at a time**, so even a large file never sits in memory whole.",
  "",
  "```ts",
  'import { createReadStream } from "node:fs";',
  'import { createInterface } from "node:readline";',
  "",
  'const lines = createInterface({ input: createReadStream("notes.txt"), crlfDelay: Infinity });',
  "for await (const line of lines) console.log(line);",
  "```",
  "",
  "| approach | memory | good for |",
  "|---|---|---|",
  "| `readline` | one line | any size |",
  "| `readFile` + `split` | whole file | small files |",
  "",
  "- `crlfDelay: Infinity` treats `\\r\\n` as one line break.",
  "- In a browser, read a `File` with `file.stream()` instead.",
].join("\n");
const PROMPT = "Mountains at sunset, flat illustration";
const DESCRIPTION = "A watercolour-style landscape: an orange sun low over layered blue mountains, under a sky fading from gold to violet.";

async function main() {
  mkdirSync(OUT, { recursive: true });
  const picture = await makePicture();
  const photoPath = resolve(".cache/screenshots-photo.png");
  mkdirSync(resolve(".cache"), { recursive: true });
  writeFileSync(photoPath, picture);

  const stack = spawn(process.execPath, ["--import", "tsx", resolve("e2e/support/fake-stack.ts"), String(BASE + 2)], {
    stdio: ["ignore", "ignore", "inherit"],
    env: { ...process.env, FAKE_AI_PORT: String(BASE + 3622), STACK_STATE_DIR: resolve(".cache/screenshots-state") },
  });
  let browser: Browser | undefined;
  try {
    await waitForApp();
    await script({ text: ANSWER, tokensPerSecond: 0, imagePng: picture.toString("base64") });
    browser = await chromium.launch({
      executablePath: process.env.CHROMIUM_PATH ?? "/usr/bin/chromium",
      args: ["--headless", "--no-sandbox", "--disable-gpu"],
    });
    for (const theme of THEMES) {
      for (const [size, viewport] of Object.entries(SIZES)) {
        const context = await browser.newContext({ viewport, colorScheme: theme, deviceScaleFactor: 1 });
        const page = await context.newPage();
        await chat(page);
        await save(page, `chat-${theme}-${size}.png`);
        await images(page);
        await save(page, `images-${theme}-${size}.png`);
        await script({ text: DESCRIPTION, tokensPerSecond: 0, imagePng: picture.toString("base64") });
        await vision(page, photoPath);
        await save(page, `vision-${theme}-${size}.png`);
        await script({ text: ANSWER, tokensPerSecond: 0, imagePng: picture.toString("base64") });
        await context.close();
      }
    }
  } finally {
    await browser?.close();
    stack.kill("SIGTERM");
  }
}

async function chat(page: Page) {
  await page.goto(`${APP}/`);
  const composer = page.getByRole("textbox", { name: "Message", exact: true });
  await composer.fill(QUESTION);
  await composer.press("Enter");
  const answer = page.getByRole("log", { name: "Messages" }).getByRole("article", { name: "Assistant" }).last();
  await expect(answer.getByRole("table")).toBeVisible(WAIT);
  await expect(page.getByRole("button", { name: "Send", exact: true })).toBeVisible(WAIT);
  await expect(answer.locator("pre")).toBeVisible(WAIT);
}

async function images(page: Page) {
  await page.goto(`${APP}/images`);
  await page.getByLabel("Prompt", { exact: true }).fill(PROMPT);
  await page.getByLabel("Images", { exact: true }).selectOption("1");
  await page.getByRole("button", { name: "Generate" }).click();
  const result = page.getByRole("region", { name: "Results" }).getByRole("article", { name: PROMPT });
  await expect(result.locator("img")).toBeVisible(WAIT);
  await expect
    .poll(() => result.locator("img").evaluate((img) => (img as HTMLImageElement).complete && (img as HTMLImageElement).naturalWidth), WAIT)
    .toBeGreaterThan(0);
}

async function vision(page: Page, photoPath: string) {
  await page.goto(`${APP}/vision`);
  await page.getByLabel("Choose image").setInputFiles(photoPath);
  await expect(page.getByRole("img", { name: "The image you are asking about" })).toBeVisible(WAIT);
  await page.getByRole("button", { name: "Describe this image" }).click();
  await expect(page.getByRole("article", { name: "Assistant" }).last()).toContainText("watercolour", WAIT);
  await expect(page.getByRole("button", { name: "Ask" })).toBeVisible(WAIT);
}

/** The viewport as a palette PNG: crisp text at a fraction of a full-colour PNG's size. */
async function save(page: Page, name: string) {
  await page.mouse.move(0, 0); // no hover state in the picture
  const shot = await page.screenshot();
  const file = resolve(OUT, name);
  writeFileSync(file, await sharp(shot).png({ palette: true, quality: 90, effort: 10, compressionLevel: 9 }).toBuffer());
  const { size } = statSync(file);
  if (size > MAX_BYTES)
    throw new Error(`${name} is ${Math.round(size / 1024)} KB, over the ${MAX_BYTES / 1024} KB a README picture may weigh.`);
  console.log(`${name}  ${Math.round(size / 1024)} KB`);
}

/** A small landscape for the image studio and the vision page, drawn here so no model or download is needed. */
function makePicture(): Promise<Buffer> {
  const svg = `<svg xmlns="http://www.w3.org/2000/svg" width="768" height="512">
    <defs><linearGradient id="sky" x1="0" y1="0" x2="0" y2="1"><stop offset="0" stop-color="#5b3e8f"/><stop offset="0.6" stop-color="#f2a65a"/><stop offset="1" stop-color="#f7d488"/></linearGradient></defs>
    <rect width="768" height="512" fill="url(#sky)"/>
    <circle cx="520" cy="300" r="70" fill="#ff7b39"/>
    <path d="M0 360 L140 250 L260 330 L400 220 L560 340 L680 270 L768 320 L768 512 L0 512 Z" fill="#3d5a80"/>
    <path d="M0 420 L120 360 L250 410 L390 340 L520 420 L660 370 L768 410 L768 512 L0 512 Z" fill="#293241"/>
  </svg>`;
  return sharp(Buffer.from(svg)).png().toBuffer();
}

async function script(body: Record<string, unknown>) {
  const response = await fetch(`${FAKE_AI}/__script`, { method: "PUT", body: JSON.stringify(body) });
  if (response.status !== 204) throw new Error(`The fake Workers AI refused the script (${response.status}).`);
}

async function waitForApp() {
  const deadline = Date.now() + 180_000;
  while (Date.now() < deadline) {
    try {
      if ((await fetch(`${APP}/api/status`)).ok) return;
    } catch {
      // not listening yet
    }
    await new Promise((r) => setTimeout(r, 500));
  }
  throw new Error(`The app did not start on ${APP} within 3 minutes.`);
}

await main();
