import { expect, test } from "@playwright/test";

// Paste is the third way in to /vision (app/vision/DropZone.tsx listens on the window), beside the
// drop (e2e/vision.spec.ts) and the file picker. A blue image, so the stack's tiny captioner (which
// names the dominant colour) proves the pasted pixels, not some other image, reached the model.

test("pasting an image onto the vision page attaches it, previews it, and it is answered", async ({ page }) => {
  await page.goto("/vision");
  const zone = page.getByRole("button", { name: "Drop an image here, paste, or choose a file" });
  await expect(zone).toBeEnabled();

  // A real ClipboardEvent carrying a DataTransfer with the file, as Chromium builds one for Ctrl+V of a
  // copied image; dispatched on the drop zone and bubbling, like a paste while the zone has focus.
  await zone.focus();
  const defaultPrevented = await zone.evaluate(async (target) => {
    const canvas = document.createElement("canvas");
    canvas.width = 64;
    canvas.height = 48;
    const ctx = canvas.getContext("2d");
    if (!ctx) throw new Error("no 2d context");
    ctx.fillStyle = "#1020e6";
    ctx.fillRect(0, 0, canvas.width, canvas.height);
    const blob = await new Promise<Blob>((resolve, reject) =>
      canvas.toBlob((b) => (b ? resolve(b) : reject(new Error("no blob"))), "image/png"),
    );
    const data = new DataTransfer();
    data.items.add(new File([blob], "pasted.png", { type: "image/png" }));
    const event = new ClipboardEvent("paste", { clipboardData: data, bubbles: true, cancelable: true });
    target.dispatchEvent(event);
    return event.defaultPrevented;
  });
  // The page took the paste as its own (no browser default on top of it).
  expect(defaultPrevented).toBe(true);

  await expect(page.getByRole("img", { name: "The image you are asking about" })).toBeVisible();
  await expect(page.getByText(/Sent 64×48 px/)).toBeVisible();

  await page.getByRole("button", { name: "Describe this image" }).click();
  await expect(page.getByRole("article", { name: "Assistant" }).first()).toContainText("a blue picture");
  await expect(page).toHaveURL(/\/vision\/[A-Za-z0-9_-]{22}$/);
});

test("a paste with no file in it attaches nothing", async ({ page }) => {
  await page.goto("/vision");
  const zone = page.getByRole("button", { name: "Drop an image here, paste, or choose a file" });
  await expect(zone).toBeEnabled();
  const defaultPrevented = await zone.evaluate((target) => {
    const data = new DataTransfer();
    data.setData("text/plain", "just words");
    const event = new ClipboardEvent("paste", { clipboardData: data, bubbles: true, cancelable: true });
    target.dispatchEvent(event);
    return event.defaultPrevented;
  });
  expect(defaultPrevented).toBe(false);
  await expect(zone).toBeVisible();
  await expect(page.getByRole("img", { name: "The image you are asking about" })).toHaveCount(0);
});
