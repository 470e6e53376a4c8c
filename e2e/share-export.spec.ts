import { readFile } from "node:fs/promises";
import { expect, test } from "@playwright/test";
import { ChatPage } from "./pages/ChatPage";

// The stack's tiny model answers with noise: these tests check what is shared and exported, by
// the question (which we wrote) and the answer's presence, never the answer's words.

function unique(prefix: string): string {
  return `${prefix} ${Math.random().toString(36).slice(2, 8)}`;
}

test("share a conversation, open the link as a stranger, then stop sharing", async ({ page, browser, context, baseURL }) => {
  await context.grantPermissions(["clipboard-read", "clipboard-write"], { origin: baseURL });
  const chat = new ChatPage(page);
  const question = unique("Share this question");
  await chat.startConversation(question);

  await chat.sidebar.getByRole("button", { name: `Share or export ${question}` }).click();
  const dialog = page.getByRole("dialog", { name: `Share or export “${question}”` });
  await dialog.getByRole("button", { name: "Create and copy link" }).click();
  const linkBox = dialog.getByRole("textbox", { name: "Share link" });
  await expect(linkBox).toHaveValue(/\/s\/[A-Za-z0-9_-]{43}$/);
  const url = await linkBox.inputValue();
  // One click made the link and copied it.
  await expect(dialog.getByRole("status").filter({ hasText: "Link copied." })).toBeVisible();
  expect(await page.evaluate(() => navigator.clipboard.readText())).toBe(url);

  // A fresh browser: no cookie before, none after, and no owner controls.
  const stranger = await browser.newContext();
  const visitor = await stranger.newPage();
  await visitor.goto(url);
  await expect(visitor.getByRole("heading", { level: 1, name: question })).toBeVisible();
  await expect(visitor.getByRole("article", { name: "You" })).toContainText(question);
  await expect(visitor.getByRole("article", { name: "Assistant" })).toHaveCount(1);
  await expect(visitor.locator('meta[name="robots"]')).toHaveAttribute("content", /noindex/);
  for (const name of ["Share or export", "Delete", "Rename", "Regenerate", "Edit", "Send"]) {
    await expect(visitor.getByRole("button", { name: new RegExp(name) })).toHaveCount(0);
  }
  await expect(visitor.getByRole("textbox")).toHaveCount(0);
  expect(await stranger.cookies()).toEqual([]);

  // Stop sharing takes effect at once.
  await dialog.getByRole("button", { name: "Stop sharing" }).click();
  await expect(dialog.getByRole("status").filter({ hasText: "Stopped sharing" })).toBeVisible();
  await visitor.reload();
  await expect(visitor.getByRole("heading", { name: "This link does not exist" })).toBeVisible();
  expect(await stranger.cookies()).toEqual([]);
  await stranger.close();
});

test("the list of links revokes, and Update link shows the conversation as it is now", async ({ page, browser }) => {
  const chat = new ChatPage(page);
  const question = unique("Listed link");
  await chat.startConversation(question);
  await chat.sidebar.getByRole("button", { name: `Share or export ${question}` }).click();
  const dialog = page.getByRole("dialog");
  await dialog.getByRole("button", { name: "Create and copy link" }).click();
  const url = await dialog.getByRole("textbox", { name: "Share link" }).inputValue();
  await dialog.getByRole("button", { name: "Close" }).click();

  const follow = unique("A follow-up");
  await chat.send(follow);
  await chat.waitForAnswer();
  const stranger = await browser.newContext();
  const visitor = await stranger.newPage();
  await visitor.goto(url);
  await expect(visitor.getByRole("article", { name: "You" })).toHaveCount(1);

  await chat.sidebar.getByRole("button", { name: `Share or export ${question}` }).click();
  await page.getByRole("dialog").getByRole("button", { name: "Update link" }).click();
  await expect(page.getByRole("dialog").getByRole("status").filter({ hasText: "Link updated" })).toBeVisible();
  await visitor.reload();
  await expect(visitor.getByRole("article", { name: "You" })).toHaveCount(2);
  await expect(visitor.getByRole("article", { name: "You" }).last()).toContainText(follow);
  await page.getByRole("dialog").getByRole("button", { name: "Close" }).click();

  await chat.sidebar.getByRole("link", { name: "Shared links, export and import" }).click();
  const links = page.getByRole("list", { name: "Shared links" });
  await links.getByRole("button", { name: `Stop sharing ${question}` }).click();
  await expect(links.getByRole("listitem", { name: question })).toHaveCount(0);
  await visitor.reload();
  await expect(visitor.getByRole("heading", { name: "This link does not exist" })).toBeVisible();
  await stranger.close();
});

test("export downloads the conversation as JSON and Markdown, and the JSON imports back", async ({ page }) => {
  const chat = new ChatPage(page);
  const question = unique("Export this question");
  await chat.startConversation(question);
  await chat.sidebar.getByRole("button", { name: `Share or export ${question}` }).click();
  const dialog = page.getByRole("dialog");

  const jsonDownload = page.waitForEvent("download");
  await dialog.getByRole("link", { name: "Download JSON" }).click();
  const json = await jsonDownload;
  expect(json.suggestedFilename()).toMatch(/^export-this-question-[a-z0-9]+\.json$/);
  const jsonPath = await json.path();
  const file = JSON.parse(await readFile(jsonPath, "utf8"));
  expect(file).toMatchObject({ format: "workers-ai-chat/conversation", version: 2, conversation: { title: question } });
  expect(file.messages.map((m: { role: string }) => m.role)).toEqual(["user", "assistant"]);
  expect(file.messages[0].parts[0].text).toBe(question);

  const mdDownload = page.waitForEvent("download");
  await dialog.getByRole("link", { name: "Download Markdown" }).click();
  const md = await mdDownload;
  expect(md.suggestedFilename()).toMatch(/\.md$/);
  expect(await readFile(await md.path(), "utf8")).toContain(`# ${question}\n`);
  await dialog.getByRole("button", { name: "Close" }).click();

  await page.goto("/data");
  await page.getByLabel("File to import").setInputFiles(jsonPath);
  await page.getByRole("button", { name: "Import", exact: true }).click();
  await expect(page.getByRole("status").filter({ hasText: "Imported 1 conversation." })).toBeVisible();
  await page.getByRole("status").getByRole("link", { name: question }).click();
  await expect(chat.userMessages.first()).toContainText(question);
  await expect(chat.assistantMessages).toHaveCount(1);
});

test("a link that does not exist says so and leaves no request open", async ({ page }) => {
  // An unread 404 body kept the request open: Chromium reports it finished only once its body is read.
  const token = "x".repeat(43);
  const finished = page.waitForEvent("requestfinished", { predicate: (r) => r.url().includes(`/api/shared/${token}`), timeout: 10_000 });
  await page.goto(`/s/${token}`);
  await expect(page.getByRole("heading", { name: "This link does not exist" })).toBeVisible();
  expect((await (await finished).response())?.status()).toBe(404);
  await page.waitForLoadState("networkidle", { timeout: 10_000 });
});
