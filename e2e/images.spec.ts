import { expect, test, type Page } from "@playwright/test";
import { spendRateAllowance } from "./support/rate-limit";

// The stack's local engine answers every image model with generated tiny SD-Turbo-layout models:
// the pictures are noise, so these tests check sizes, bytes and what the page does with them.

const PROMPT = `A lighthouse at dawn ${Math.random().toString(36).slice(2, 8)}`;
const SLUG = PROMPT.toLowerCase().replace(/[^a-z0-9]+/g, "-");
const SEED = 1234;

function gallery(page: Page) {
  return page.getByRole("region", { name: "Gallery" });
}

async function generateLocked(page: Page) {
  await page.getByLabel("Prompt", { exact: true }).fill(PROMPT);
  await page.getByLabel("Model", { exact: true }).selectOption({ label: "DreamShaper 8 LCM — Lykon" });
  await page.getByLabel("Steps", { exact: true }).fill("2");
  await page.getByLabel("Width", { exact: true }).fill("256");
  await page.getByLabel("Height", { exact: true }).fill("256");
  await page.getByLabel("Lock seed", { exact: true }).check();
  await page.getByLabel("Seed", { exact: true }).fill(String(SEED));
  await page.getByLabel("Images", { exact: true }).selectOption("1");
  await page.getByRole("button", { name: "Generate" }).click();
  await expect(page.getByRole("region", { name: "Results" }).getByRole("article", { name: PROMPT })).toBeVisible({ timeout: 60_000 });
}

/** The bytes behind every gallery image of this prompt, fetched by the page with its own cookie. */
async function galleryBytes(page: Page): Promise<string[]> {
  const sources = await gallery(page)
    .getByRole("article", { name: PROMPT })
    .locator("img")
    .evaluateAll((imgs) => imgs.map((img) => (img as HTMLImageElement).src));
  return page.evaluate(
    (urls) => Promise.all(urls.map(async (url) => btoa(String.fromCharCode(...new Uint8Array(await (await fetch(url)).arrayBuffer()))))),
    sources,
  );
}

test("generates with a locked seed, keeps it, reproduces it, downloads and deletes it", async ({ page }) => {
  await page.goto("/images");
  await expect(page.getByRole("heading", { name: "Image studio" })).toBeVisible();

  await generateLocked(page);
  const first = gallery(page).getByRole("article", { name: PROMPT });
  await expect(first).toHaveCount(1);
  await expect(first).toContainText(`seed ${SEED}`);
  await expect(first).toContainText("256×256");
  await expect(first).toContainText(/Local engine/);
  // Its price by size and steps, as the catalog model the local engine stands in for: an estimate.
  await expect(first).toContainText(/≈ \d+ neurons \(≈ \$[\d.]+\), estimate/);

  await page.reload();
  await expect(gallery(page).getByRole("article", { name: PROMPT })).toHaveCount(1);

  await generateLocked(page);
  await expect(gallery(page).getByRole("article", { name: PROMPT })).toHaveCount(2);
  const [newer, older] = await galleryBytes(page);
  expect(newer.length).toBeGreaterThan(100);
  expect(newer).toBe(older);

  const downloading = page.waitForEvent("download");
  await gallery(page).getByRole("article", { name: PROMPT }).first().getByRole("link", { name: "Download" }).click();
  expect((await downloading).suggestedFilename()).toBe(`${SLUG}-${SEED}.png`);

  await gallery(page).getByRole("article", { name: PROMPT }).first().getByRole("button", { name: "Delete" }).click();
  const dialog = page.getByRole("dialog", { name: "Delete this image?" });
  await dialog.getByRole("button", { name: "Delete", exact: true }).click();
  await expect(gallery(page).getByRole("article", { name: PROMPT })).toHaveCount(1);
  await page.reload();
  await expect(gallery(page).getByRole("article", { name: PROMPT })).toHaveCount(1);
});

test("says why an image failed instead of showing one", async ({ page }) => {
  await page.goto("/images");
  await page.getByLabel("Prompt", { exact: true }).fill(PROMPT);
  await page.getByLabel("Model", { exact: true }).selectOption({ label: "FLUX.2 [dev] — Black Forest Labs" });
  // Off the catalog's range: the Worker refuses it with a sentence naming the field.
  await page.getByLabel("Width", { exact: true }).fill("100");
  await page.getByLabel("Width", { exact: true }).evaluate((el: HTMLInputElement) => el.form?.setAttribute("novalidate", ""));
  await page.getByRole("button", { name: "Generate" }).click();
  await expect(page.getByRole("alert")).toContainText("width: must be a whole number from 256 to 1920");
  await expect(page.getByRole("region", { name: "Results" }).getByRole("img")).toHaveCount(0);
});

test("a rate-limited image says so, counts down, and ends with a Retry that works", async ({ page }) => {
  // The countdown is the limiter's real minute: the test waits it out.
  test.setTimeout(180_000);
  await page.goto("/images");
  await page.getByLabel("Model", { exact: true }).selectOption({ label: "DreamShaper 8 LCM — Lykon" });
  await page.getByLabel("Steps", { exact: true }).fill("1");
  await page.getByLabel("Width", { exact: true }).fill("256");
  await page.getByLabel("Height", { exact: true }).fill("256");
  await spendRateAllowance(page, "/api/images", { prompt: "" }, 400);
  await page.getByLabel("Prompt", { exact: true }).fill("one too many");
  await page.getByRole("button", { name: "Generate" }).click();
  const alert = page.getByRole("alert").filter({ hasText: "Too many requests" });
  await expect(alert).toContainText("Too many requests. Try again in 60 seconds.");
  // The live countdown under the Worker's sentence, ticking down.
  const countdown = alert.getByText(/^Try again in \d+ s$/);
  const first = Number((await countdown.innerText()).match(/\d+/)![0]);
  await expect.poll(async () => Number((await countdown.innerText()).match(/\d+/)![0]), { timeout: 5_000 }).toBeLessThan(first);
  const retry = alert.getByRole("button", { name: "Retry" });
  await expect(retry).toBeDisabled();

  await expect(retry).toBeEnabled({ timeout: 75_000 });
  await expect(countdown).toHaveCount(0);
  await retry.click();
  await expect(page.getByRole("region", { name: "Results" }).getByRole("article", { name: "one too many" })).toBeVisible({
    timeout: 60_000,
  });
  await expect(alert).toHaveCount(0);
});

test("the viewer opens an image large and moves through the list with the keyboard", async ({ page }) => {
  const prompt = `A harbour at night ${Math.random().toString(36).slice(2, 8)}`;
  await page.setViewportSize({ width: 1280, height: 900 });
  await page.goto("/images");
  await page.getByLabel("Prompt", { exact: true }).fill(prompt);
  await page.getByLabel("Model", { exact: true }).selectOption({ label: "DreamShaper 8 LCM — Lykon" });
  await page.getByLabel("Steps", { exact: true }).fill("1");
  await page.getByLabel("Width", { exact: true }).fill("256");
  await page.getByLabel("Height", { exact: true }).fill("256");
  await page.getByLabel("Images", { exact: true }).selectOption("3");
  await page.getByRole("button", { name: "Generate" }).click();
  const results = page.getByRole("region", { name: "Results" });
  await expect(results.getByRole("article", { name: prompt })).toHaveCount(3, { timeout: 60_000 });

  // The grid uses the width: at 1280 px the three results sit side by side on one row.
  const tops = await results.getByRole("article").evaluateAll((cards) => cards.map((card) => Math.round(card.getBoundingClientRect().top)));
  expect(new Set(tops).size).toBe(1);

  const thumbnails = results.getByRole("button", { name: `Open ${prompt}` });
  const sources = await results
    .getByRole("article")
    .locator("img")
    .evaluateAll((imgs) => imgs.map((img) => (img as HTMLImageElement).getAttribute("src")));
  await thumbnails.nth(1).click();
  const viewer = page.getByRole("dialog", { name: prompt });
  await expect(viewer).toBeVisible();
  await expect(viewer.getByRole("button", { name: "Close" })).toBeFocused();
  const large = viewer.getByRole("img", { name: prompt });
  await expect(viewer).toContainText("Image 2 of 3");
  await expect(large).toHaveAttribute("src", sources[1]!);

  await page.keyboard.press("ArrowRight");
  await expect(viewer).toContainText("Image 3 of 3");
  await expect(large).toHaveAttribute("src", sources[2]!);
  await page.keyboard.press("ArrowRight"); // the last one: stays
  await expect(viewer).toContainText("Image 3 of 3");
  await page.keyboard.press("ArrowLeft");
  await page.keyboard.press("ArrowLeft");
  await expect(viewer).toContainText("Image 1 of 3");
  await expect(large).toHaveAttribute("src", sources[0]!);
  // The buttons move too, and keep focus in the dialog at the ends.
  await viewer.getByRole("button", { name: "Next image" }).click();
  await expect(viewer).toContainText("Image 2 of 3");

  await page.keyboard.press("Escape");
  await expect(viewer).toBeHidden();
  // Focus comes back to the thumbnail of the image last shown.
  await expect(thumbnails.nth(1)).toBeFocused();
});

test("an unlocked seed reads 'random', is not sent, and the seed used is shown after and kept by Lock seed", async ({ page }) => {
  // The prompt must not contain "seed <digit>": the card's "seed N" is read back below.
  const prompt = `A lantern at dusk ${Math.random().toString(36).slice(2, 8)}`;
  const bodies: Record<string, unknown>[] = [];
  page.on("request", (r) => {
    if (r.method() === "POST" && new URL(r.url()).pathname === "/api/images") bodies.push(r.postDataJSON());
  });
  await page.goto("/images");
  await page.getByLabel("Prompt", { exact: true }).fill(prompt);
  await page.getByLabel("Model", { exact: true }).selectOption({ label: "DreamShaper 8 LCM — Lykon" });
  await page.getByLabel("Steps", { exact: true }).fill("1");
  await page.getByLabel("Width", { exact: true }).fill("256");
  await page.getByLabel("Height", { exact: true }).fill("256");
  const seed = page.getByLabel("Seed", { exact: true });
  await expect(page.getByLabel("Lock seed", { exact: true })).not.toBeChecked();
  await expect(seed).toHaveValue("");
  await expect(seed).toHaveAttribute("placeholder", "random");

  await page.getByRole("button", { name: "Generate" }).click();
  const card = page.getByRole("region", { name: "Results" }).getByRole("article", { name: prompt });
  await expect(card).toBeVisible({ timeout: 60_000 });
  expect(bodies).toHaveLength(1);
  expect(bodies[0]).not.toHaveProperty("seed");
  const used = (await card.textContent())?.match(/seed (\d+)/)?.[1];
  expect(used).toMatch(/^\d+$/);

  // Locking keeps the seed the image was made with, and that is what is sent.
  await page.getByLabel("Lock seed", { exact: true }).check();
  await expect(seed).toHaveValue(used!);
  await page.getByRole("button", { name: "Generate" }).click();
  await expect(card).toHaveCount(1, { timeout: 60_000 });
  await expect(page.getByRole("region", { name: "Results" }).getByRole("status")).toHaveCount(0, { timeout: 60_000 });
  expect(bodies[1]).toMatchObject({ seed: Number(used) });
  await expect(card).toContainText(`seed ${used}`);
});
