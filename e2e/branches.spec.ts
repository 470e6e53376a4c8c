import { expect, test, type Locator } from "@playwright/test";
import { ChatPage } from "./pages/ChatPage";

// The stack answers with a tiny random-weight model, sampled without a seed: two answers to the same
// question differ, which is all these tests need of their text.

function unique(prefix: string): string {
  return `${prefix} ${Math.random().toString(36).slice(2, 8)}`;
}

/** A message's own text, without its buttons and details line. */
function body(message: Locator): Promise<string> {
  return message.locator(":scope > div").first().innerText();
}

test("regenerate keeps both answers: the version buttons switch between them, and a reload shows the one chosen", async ({ page }) => {
  const chat = new ChatPage(page);
  await chat.goto("/");
  // Short answers: this test is about switching, not streaming.
  await page.getByRole("button", { name: "Settings", exact: true }).click();
  await page.getByLabel("Max tokens").fill("48");
  await chat.send(unique("Branch me"));
  await expect(page).toHaveURL(/\/c\/[A-Za-z0-9_-]{22}$/);
  await chat.waitForAnswer();
  const first = await body(chat.lastAnswer());

  await chat.lastAnswer().getByRole("button", { name: "Regenerate" }).click();
  const versions = chat.lastAnswer().getByRole("group", { name: "Versions" });
  await expect(versions).toContainText("2 / 2");
  await chat.waitForAnswer();
  await expect(chat.assistantMessages).toHaveCount(1);
  const second = await body(chat.lastAnswer());
  expect(second).not.toBe(first);

  await versions.getByRole("button", { name: "Previous version" }).click();
  await expect(versions).toContainText("1 / 2");
  await expect.poll(() => body(chat.lastAnswer())).toBe(first);
  await expect(versions.getByRole("button", { name: "Previous version" })).toBeDisabled();

  // The server remembers the branch on screen.
  await page.reload();
  await expect(versions).toContainText("1 / 2");
  await expect.poll(() => body(chat.lastAnswer())).toBe(first);

  await versions.getByRole("button", { name: "Next version" }).click();
  await expect(versions).toContainText("2 / 2");
  await expect.poll(() => body(chat.lastAnswer())).toBe(second);
});

test("edit-and-resend makes a new version of the question; the earlier one and its answer stay a click away", async ({ page }) => {
  const chat = new ChatPage(page);
  const original = unique("Original question");
  await chat.startConversation(original);
  const firstAnswer = await body(chat.lastAnswer());

  await chat.userMessages.first().getByRole("button", { name: "Edit" }).click();
  await chat.log.getByRole("textbox", { name: "Edit message" }).fill("Edited question");
  await chat.log.getByRole("button", { name: "Save and resend" }).click();
  const versions = chat.userMessages.first().getByRole("group", { name: "Versions" });
  await expect(versions).toContainText("2 / 2");
  await chat.waitForAnswer();
  await expect(chat.userMessages.first()).toContainText("Edited question");

  await versions.getByRole("button", { name: "Previous version" }).click();
  await expect(versions).toContainText("1 / 2");
  await expect(chat.userMessages.first()).toContainText(original);
  await expect.poll(() => body(chat.lastAnswer())).toBe(firstAnswer);

  await page.reload();
  await expect(chat.userMessages).toHaveCount(1);
  await expect(chat.userMessages.first()).toContainText(original);
  await expect(versions).toContainText("1 / 2");
});
