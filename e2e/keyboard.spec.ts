import { expect, type Locator, type Page, test } from "@playwright/test";
import { ChatPage } from "./pages/ChatPage";

// One composer behaviour in every box that sends: Enter sends, Shift+Enter adds a line, and no Enter
// sends while an IME (Japanese, Chinese, Korean input) is composing.

/** The Enters an IME produces while composing: none of them may send. */
async function composingEnters(box: Locator) {
  await box.dispatchEvent("compositionstart", { data: "" });
  // Confirming a candidate: the keydown carries isComposing.
  await box.dispatchEvent("keydown", { key: "Enter", code: "Enter", isComposing: true });
  // A browser that sets no flag, between compositionstart and compositionend.
  await box.dispatchEvent("keydown", { key: "Enter", code: "Enter" });
  await box.dispatchEvent("compositionend", { data: "変換" });
  // Safari's keydown after compositionend: keyCode 229.
  await box.dispatchEvent("keydown", { key: "Enter", code: "Enter", keyCode: 229 });
}

async function typeTwoLines(box: Locator) {
  await box.fill("line one");
  await box.press("Shift+Enter");
  await box.pressSequentially("line two");
  await expect(box).toHaveValue("line one\nline two");
}

test("chat composer: Enter sends, Shift+Enter adds a line, nothing sends while composing", async ({ page }) => {
  const chat = new ChatPage(page);
  await chat.goto("/");
  await typeTwoLines(chat.composer);
  await composingEnters(chat.composer);
  await expect(chat.userMessages).toHaveCount(0);
  await expect(chat.composer).toHaveValue("line one\nline two");

  await chat.composer.press("Enter");
  await expect(chat.userMessages).toHaveCount(1);
  await chat.waitForAnswer();
});

test("message edit box: Enter resends, Shift+Enter adds a line, nothing sends while composing, Escape cancels", async ({ page }) => {
  const chat = new ChatPage(page);
  await chat.startConversation(`Edit by keyboard ${Math.random().toString(36).slice(2, 8)}`);
  const edit = chat.log.getByRole("textbox", { name: "Edit message" });

  await chat.userMessages.first().getByRole("button", { name: "Edit" }).click();
  await edit.fill("Dropped");
  await edit.press("Escape");
  await expect(edit).toHaveCount(0);
  await expect(chat.userMessages.first()).not.toContainText("Dropped");

  await chat.userMessages.first().getByRole("button", { name: "Edit" }).click();
  await typeTwoLines(edit);
  await composingEnters(edit);
  await expect(edit).toHaveValue("line one\nline two");

  await edit.press("Enter");
  await expect(edit).toHaveCount(0);
  await expect(chat.userMessages.first()).toContainText("line one\nline two");
  await chat.waitForAnswer();
});

function imagePosts(page: Page): string[] {
  const posts: string[] = [];
  page.on("request", (r) => {
    if (r.method() === "POST" && new URL(r.url()).pathname === "/api/images") posts.push(r.url());
  });
  return posts;
}

test("image prompt: Enter generates, Shift+Enter adds a line, nothing generates while composing", async ({ page }) => {
  const posts = imagePosts(page);
  await page.goto("/images");
  await page.getByLabel("Model", { exact: true }).selectOption({ label: "DreamShaper 8 LCM — Lykon" });
  await page.getByLabel("Steps", { exact: true }).fill("2");
  await page.getByLabel("Width", { exact: true }).fill("256");
  await page.getByLabel("Height", { exact: true }).fill("256");
  await page.getByLabel("Images", { exact: true }).selectOption("1");
  const prompt = page.getByLabel("Prompt", { exact: true });
  await typeTwoLines(prompt);
  await composingEnters(prompt);
  await expect(prompt).toHaveValue("line one\nline two");
  await expect(page.getByRole("button", { name: "Generate" })).toBeEnabled();
  expect(posts).toEqual([]);

  const generated = page.waitForResponse((r) => r.request().method() === "POST" && new URL(r.url()).pathname === "/api/images");
  await prompt.press("Enter");
  expect((await generated).status()).toBe(200);
  await expect(page.getByRole("region", { name: "Results" }).getByRole("article")).toHaveCount(1, { timeout: 60_000 });
});
