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

test("vision threads are renamed and searched as conversations are", async ({ page }) => {
  await page.goto("/vision");
  await dropFile(page, { kind: "red-png" });
  const question = `What is this ${Math.random().toString(36).slice(2, 8)}?`;
  await page.getByRole("textbox", { name: "Question" }).fill(question);
  await page.getByRole("button", { name: "Ask" }).click();
  await expect(page.getByRole("article", { name: "Assistant" }).first()).toContainText("a red picture");
  const threads = page.getByRole("navigation", { name: "Vision threads" });
  await expect(threads.getByRole("link", { name: question })).toBeVisible();

  // Enter saves; leaving the field saves too; Escape drops.
  const renamed = `Red square ${Math.random().toString(36).slice(2, 8)}`;
  await threads.getByRole("button", { name: `Rename ${question}` }).click();
  await threads.getByRole("textbox", { name: `New title for ${question}` }).fill(renamed);
  await threads.getByRole("textbox", { name: `New title for ${question}` }).press("Enter");
  await expect(threads.getByRole("link", { name: renamed })).toBeVisible();
  await threads.getByRole("button", { name: `Rename ${renamed}` }).click();
  await threads.getByRole("textbox", { name: `New title for ${renamed}` }).fill("Not this");
  await threads.getByRole("textbox", { name: `New title for ${renamed}` }).press("Escape");
  await page.reload();
  await expect(threads.getByRole("link", { name: renamed })).toBeVisible();
  await expect(threads.getByRole("link", { name: "Not this" })).toHaveCount(0);

  // Search finds it by its new title and by the words of its answer, and says when nothing matches.
  const search = threads.getByRole("searchbox", { name: "Search vision threads" });
  await search.fill(renamed.split(" ")[2]);
  await expect(threads.getByRole("link")).toHaveText([/New image/, renamed]);
  await search.fill("red picture");
  await expect(threads.getByRole("link", { name: renamed })).toBeVisible();
  await search.fill("no such words zzzz");
  await expect(threads.getByRole("link", { name: renamed })).toHaveCount(0);
  await expect(threads).toContainText("No thread matches.");
  await search.fill("");
  await expect(threads.getByRole("link", { name: renamed })).toBeVisible();
});
