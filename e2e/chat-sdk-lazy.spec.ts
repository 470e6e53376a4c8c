import { expect, test } from "@playwright/test";
import { ChatPage } from "./pages/ChatPage";

// The AI SDK is not part of the chat page's first load: app/ui/useAnswerStream.ts asks for its chunk
// (app/ui/answer-chat.ts) after the first render (bench/notes/bundle.md). These tests hold that chunk
// back, as a slow link would, and check that the page works anyway.

const SDK_CHUNK = /\/app\/ui\/answer-chat\.ts(\?|$)/;

test("a question sent before the chat code has arrived is asked once it is here", async ({ page }) => {
  let release = () => {};
  const held = new Promise<void>((resolve) => {
    release = resolve;
  });
  await page.route(SDK_CHUNK, async (route) => {
    await held;
    await route.continue();
  });
  const chat = new ChatPage(page);
  const asked = page.waitForRequest(SDK_CHUNK);
  await chat.goto("/");
  await asked;

  const question = `Before the code ${Math.random().toString(36).slice(2, 8)}`;
  await chat.send(question);
  await expect(page).toHaveURL(/\/c\/[A-Za-z0-9_-]{22}$/);
  await expect(chat.composer).toHaveValue("");
  // Shown as asked (Stop, not Send) while it waits, so nobody sends it twice or leaves thinking it went.
  await expect(chat.stopButton).toBeVisible();

  release();
  await expect(chat.userMessages).toHaveCount(1);
  await expect(chat.userMessages.first()).toContainText(question);
  await expect(chat.assistantMessages).toHaveCount(1, { timeout: 60_000 });
  await chat.waitForAnswer();
  // Asked once, not lost and not twice: a reload shows the one question and its answer.
  await page.reload();
  await expect(chat.userMessages).toHaveCount(1);
  await expect(chat.assistantMessages).toHaveCount(1);
});

test("chat code that cannot load is said in words, and the next question loads it again", async ({ page }) => {
  await page.route(SDK_CHUNK, (route) => route.abort());
  const chat = new ChatPage(page);
  await chat.goto("/");
  await expect(page.getByRole("alert")).toContainText("The chat code did not load");

  await page.unroute(SDK_CHUNK);
  await chat.send(`After the failure ${Math.random().toString(36).slice(2, 8)}`);
  await expect(chat.userMessages).toHaveCount(1);
  await expect(page.getByRole("alert")).toBeHidden();
  await chat.waitForAnswer();
  await expect(chat.assistantMessages).toHaveCount(1);
});
