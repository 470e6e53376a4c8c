import { expect, test, type Page } from "@playwright/test";
import type { BackendStatus } from "../contract/api";

// Each page says up front when the local engine lacks what it needs, with the engine's own sentence
// about what to do, and says nothing when all is well.

const banner = (page: Page) => page.getByRole("region", { name: "Local engine problem" });

test("with every generated model loaded, no page shows an engine problem", async ({ page }) => {
  for (const path of ["/", "/images", "/vision"]) {
    await page.goto(path);
    await expect(page.getByText(/neurons left today/)).toBeVisible(); // the status has arrived
    await expect(banner(page)).toHaveCount(0);
  }
});

test("a missing image model is named on the image page only, with what to do", async ({ page }) => {
  const problem = "The local engine has no image model. Set LOCAL_IMAGE_MODEL_DIR and restart `npm run dev`.";
  // TEST DOUBLE: the Worker's real status, with the image capability reported missing.
  await page.route("**/api/status", async (route) => {
    const real = (await (await route.fetch()).json()) as BackendStatus;
    await route.fulfill({ json: { ...real, engine: { ...real.engine!, images: { ready: false, problem } } } });
  });

  await page.goto("/images");
  await expect(banner(page)).toContainText("The local engine cannot make images yet.");
  await expect(banner(page)).toContainText(problem);

  await page.getByRole("navigation", { name: "Main" }).getByRole("link", { name: "Vision" }).click();
  await expect(page.getByRole("heading", { name: "Ask about an image" })).toBeVisible();
  await expect(banner(page)).toHaveCount(0);
  await page.getByRole("navigation", { name: "Main" }).getByRole("link", { name: "Chat" }).click();
  await expect(page.getByRole("textbox", { name: "Message", exact: true })).toBeVisible();
  await expect(banner(page)).toHaveCount(0);
});
