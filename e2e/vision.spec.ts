import { expect, test } from "@playwright/test";
import { dropFile } from "./pages/drop-file";

// The stack's local engine answers vision models with the generated tiny captioner, which names the
// image's dominant colour: a red image is "a red picture". So these tests can check what it says.

test("drop an image, ask, follow up, and find the thread again after a reload", async ({ page }) => {
  await page.goto("/vision");
  await expect(page.getByRole("link", { name: "Vision" })).toHaveAttribute("aria-current", "page");
  await dropFile(page, { kind: "red-png" });

  // Shrunk in the browser before upload, both sizes shown.
  await expect(page.getByRole("img", { name: "The image you are asking about" })).toBeVisible();
  await expect(page.getByText(/Original 1600×900 px, .* · Sent 1024×576 px/)).toBeVisible();

  await page.getByRole("button", { name: "Describe this image" }).click();
  const answers = page.getByRole("article", { name: "Assistant" });
  await expect(answers.first()).toContainText("a red picture");
  await expect(page).toHaveURL(/\/vision\/[A-Za-z0-9_-]{22}$/);
  await expect(answers.first()).toContainText(/local engine/i);

  await page.getByRole("textbox", { name: "Question" }).fill("And what colour is it?");
  await page.getByRole("button", { name: "Ask" }).click();
  await expect(answers).toHaveCount(2);
  await expect(answers.nth(1)).toContainText("a red picture"); // the Worker re-attached the image

  const url = page.url();
  await page.reload();
  const threads = page.getByRole("navigation", { name: "Vision threads" });
  const link = threads.getByRole("link", { name: "Describe this image" });
  await expect(link).toHaveAttribute("aria-current", "page");
  // Questions now carry the shared message list's Copy button, so their text is matched, not the whole article.
  const questions = page.getByRole("article", { name: "You" });
  await expect(questions).toHaveCount(2);
  await expect(questions.nth(0)).toContainText("Describe this image");
  await expect(questions.nth(1)).toContainText("And what colour is it?");
  await expect(page.getByRole("article", { name: "Assistant" })).toHaveCount(2);

  // From a fresh page, the list leads back to it.
  await page.goto("/vision");
  await link.click();
  await expect(page).toHaveURL(url);
  await expect(page.getByRole("article", { name: "Assistant" }).first()).toContainText("a red picture");
});

test("a file that is not an image is refused with a clear message", async ({ page }) => {
  await page.goto("/vision");
  await dropFile(page, { kind: "text", name: "notes.png" });
  await expect(page.getByRole("alert")).toHaveText("notes.png is not a JPEG, PNG, WebP or GIF image.");
  await expect(page.getByRole("img", { name: "The image you are asking about" })).toHaveCount(0);
});

test("the file picker and keyboard reach the same upload", async ({ page }) => {
  await page.goto("/vision");
  const zone = page.getByRole("button", { name: "Drop an image here, paste, or choose a file" });
  await expect(page.getByLabel("Choose image")).toBeAttached();
  await zone.focus();
  const chooser = page.waitForEvent("filechooser");
  await page.keyboard.press("Enter");
  const png = Buffer.from("iVBORw0KGgoAAAANSUhEUgAAAAEAAAABCAYAAAAfFcSJAAAADUlEQVR42mP8z8BQDwAEhQGAhKmMIQAAAABJRU5ErkJggg==", "base64");
  await (await chooser).setFiles({ name: "dot.png", mimeType: "image/png", buffer: png });
  await expect(page.getByRole("img", { name: "The image you are asking about" })).toBeVisible();
  await expect(page.getByText(/Sent 1×1 px/)).toBeVisible();
});
