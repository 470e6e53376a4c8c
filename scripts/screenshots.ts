/**
 * `npm run screenshots`: the README's pictures, taken from the real app on the real local engine. It
 * starts the browser tests' engine stack (e2e/stack.ts: Vite, the Worker in workerd, and engine/ with a
 * real text model), asks for a story, an image and a photo's description in Debian's Chromium, light
 * and dark, at a desktop and a phone width, and writes palette PNGs to docs/screenshots/, each under
 * 200 KB. What the pictures show is what that engine answered: a 260K-parameter model writes a
 * children's story whatever it is asked, the generated image model paints noise, and the generated
 * captioner names the colour channel that dominates the photo. The header and every answer say so
 * ("Local engine · <model file>").
 *
 *   MODEL          the text model (GGUF); default ../shared/models/stories260K.gguf beside the repo,
 *                  else the tests' generated tiny model (said on the terminal)
 *   E2E_PORT_BASE  moves the ports like the browser tests do (app on base + 2, engine on base + 3618)
 *   CHROMIUM_PATH  the browser (default /usr/bin/chromium)
 */
import { spawn } from "node:child_process";
import { existsSync, mkdirSync, statSync, writeFileSync } from "node:fs";
import { basename, resolve } from "node:path";
import { chromium, expect, type Browser, type Page } from "@playwright/test";
import sharp from "sharp";

const BASE = Number(process.env.E2E_PORT_BASE ?? 5174);
const APP = `http://localhost:${BASE + 2}`;
const ENGINE_PORT = BASE + 3618;
const OUT = resolve("docs/screenshots");
const MAX_BYTES = 200 * 1024;
const WAIT = { timeout: 120_000 };
const SHARED_MODEL = resolve("../shared/models/stories260K.gguf");

const THEMES = ["light", "dark"] as const;
const SIZES = { desktop: { width: 1280, height: 800 }, phone: { width: 390, height: 844 } } as const;

// TinyStories is all the 260K model knows: ask it for what it can do.
const QUESTION = "Tell me a short story about a little cat who finds a ball in the park.";
const PROMPT = "Mountains at sunset, flat illustration";
const ANSWER_TOKENS = { desktop: 180, phone: 90 };

/** The text model: MODEL, or the shared tiny real model, or (empty) the stack's generated one. */
function textModel(): string {
  if (process.env.MODEL) {
    const model = resolve(process.env.MODEL);
    if (!existsSync(model)) throw new Error(`MODEL=${process.env.MODEL}: no such file.`);
    return model;
  }
  if (existsSync(SHARED_MODEL)) return SHARED_MODEL;
  console.warn(
    `No ${SHARED_MODEL} and no MODEL set: the pictures use the tests' generated random-weight model (tiny-chatml.gguf), whose answers are random words.`,
  );
  return "";
}

async function main() {
  mkdirSync(OUT, { recursive: true });
  const photoPath = resolve(".cache/screenshots-photo.png");
  mkdirSync(resolve(".cache"), { recursive: true });
  writeFileSync(photoPath, await makePicture());
  const model = textModel();
  if (model) console.log(`Text model: ${model}`);

  const stack = spawn(process.execPath, ["--import", "tsx", resolve("e2e/stack.ts"), String(BASE + 2)], {
    stdio: ["ignore", "ignore", "inherit"],
    env: {
      ...process.env,
      LOCAL_TEXT_MODEL: model,
      LOCAL_ENGINE_PORT: String(ENGINE_PORT),
      STACK_STATE_DIR: resolve(".cache/screenshots-state"),
    },
  });
  let browser: Browser | undefined;
  try {
    await waitForApp();
    browser = await chromium.launch({
      executablePath: process.env.CHROMIUM_PATH ?? "/usr/bin/chromium",
      args: ["--headless", "--no-sandbox", "--disable-gpu"],
    });
    for (const theme of THEMES) {
      for (const [size, viewport] of Object.entries(SIZES)) {
        const context = await browser.newContext({ viewport, colorScheme: theme, deviceScaleFactor: 1 });
        const page = await context.newPage();
        await chat(page, model ? basename(model) : "tiny-chatml.gguf", size === "desktop");
        await save(page, `chat-${theme}-${size}.png`);
        await images(page);
        await save(page, `images-${theme}-${size}.png`);
        await vision(page, photoPath);
        await save(page, `vision-${theme}-${size}.png`);
        await context.close();
      }
    }
  } finally {
    await browser?.close();
    stack.kill("SIGTERM");
  }
}

async function chat(page: Page, modelFile: string, desktop: boolean) {
  await page.goto(`${APP}/`);
  // The header names who answers; on a phone it sits in the header's menu.
  if (desktop) await expect(page.getByRole("banner")).toContainText(`Local engine · ${modelFile}`, WAIT);
  // A story short enough that the question, the whole answer and who wrote it fit in one picture.
  const settings = page.getByRole("button", { name: "Settings", exact: true });
  await settings.click();
  await page.getByLabel("Max tokens").fill(String(desktop ? ANSWER_TOKENS.desktop : ANSWER_TOKENS.phone));
  await settings.click();
  const composer = page.getByRole("textbox", { name: "Message", exact: true });
  await composer.fill(QUESTION);
  await composer.press("Enter");
  const answer = page.getByRole("log", { name: "Messages" }).getByRole("article", { name: "Assistant" }).last();
  await expect(answer).toContainText(/\w+ \w+ \w+/, WAIT);
  await expect(page.getByRole("button", { name: "Send", exact: true })).toBeVisible(WAIT);
  await expect(page.getByRole("button", { name: "Stop", exact: true })).toBeHidden(WAIT);
  await expect(answer).toContainText(`Local engine · ${modelFile}`, WAIT);
  await expect(page.getByRole("button", { name: "Attach image" })).toBeVisible(WAIT);
  // The picked model's capabilities (shown from the sm breakpoint) say it sees images.
  if (desktop) await expect(page.locator("#model-capabilities")).toContainText("sees images", WAIT);
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
  await expect(page.getByRole("article", { name: "Assistant" }).last()).toContainText(/picture/, WAIT);
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

/** A small landscape for the vision page, drawn here so no download is needed. */
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
