import { writeFile } from "node:fs/promises";
import { expect, test } from "@playwright/test";
import { chatGptTitle, chatGptZip } from "../worker/test/chatgpt-zip";

// A ChatGPT data export as it arrives: a zip over 20 MB (photos of random bytes) with 212
// conversations, one of them empty and one holding only a photo.
test("a ChatGPT export zip imports in batches with progress, says what was skipped and why, and adds nothing the second time", async ({
  page,
}, testInfo) => {
  // Hang detectors for a loaded machine: nine batches of 25 writes each took 20 s beside other stacks.
  test.setTimeout(240_000);
  const zipPath = testInfo.outputPath("chatgpt-export.zip");
  const zip = chatGptZip({ conversations: 210, photoBytes: 21_000_000, empty: 1, imagesOnly: 1 });
  expect(zip.byteLength).toBeGreaterThan(20_000_000);
  await writeFile(zipPath, zip);

  // The third batch waits until the progress after two batches has been seen.
  let batches = 0;
  let release!: () => void;
  const held = new Promise<void>((resolve) => (release = resolve));
  await page.route("**/api/import/batch", async (route) => {
    if (++batches === 3) await held;
    await route.continue();
  });

  await page.goto("/data");
  await page.getByLabel("File to import").setInputFiles(zipPath);
  await page.getByRole("button", { name: "Import", exact: true }).click();
  const bar = page.getByRole("progressbar", { name: "Import progress" });
  await expect(bar).toHaveAttribute("aria-valuenow", "50");
  await expect(bar).toHaveAttribute("aria-valuemax", "212");
  await expect(page.getByText("Imported 50 of 212.")).toBeVisible();
  release();

  const report = page.getByRole("status").filter({ hasText: "Imported 210 of 212 conversations." });
  await expect(report).toContainText("Skipped 2: 1 empty, 1 without text.", { timeout: 90_000 });
  await expect(report).toContainText(
    "Only conversations.json was read from the zip. Not imported: user.json, message_feedback.json, chat.html",
  );
  const skipped = report.getByRole("list", { name: "Skipped conversations" }).getByRole("listitem");
  await expect(skipped).toHaveText([
    "Empty 1: It has no messages.",
    "Only a photo 1: It has no text messages (only images, files, tools or system messages).",
  ]);
  await expect(report.getByRole("list", { name: "Imported conversations" }).getByRole("link")).toHaveCount(210);
  await expect(bar).toHaveAttribute("aria-valuenow", "212");
  expect(batches).toBe(9);

  // The same zip again: every conversation is found, none is added.
  await page.getByRole("button", { name: "Import", exact: true }).click();
  const again = page.getByRole("status").filter({ hasText: "Imported 0 of 212 conversations." });
  await expect(again).toContainText("Skipped 212: 210 already imported, 1 empty, 1 without text.", { timeout: 90_000 });

  // Each one links to the conversation it already is (read through the API: the chat page is other tests' concern).
  const href = await again.getByRole("link", { name: chatGptTitle(41) }).getAttribute("href");
  const detail = await (await page.request.get(`/api/conversations/${href?.split("/").at(-1)}`)).json();
  expect(detail.messages.map((m: { parts: { text: string }[] }) => m.parts[0].text)).toEqual(["Question number 42?", "Answer number 42."]);
});
