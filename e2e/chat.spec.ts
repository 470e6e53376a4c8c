import { expect, test } from "@playwright/test";
import { spendRateAllowance } from "./support/rate-limit";
import { ChatPage } from "./pages/ChatPage";

// The stack answers with a tiny random-weight model: its text is noise, so these tests check that an
// answer arrives and how the page treats it, never what it says.

/** A title no other test or earlier run can have, so sidebar look-ups are unambiguous. */
function unique(prefix: string): string {
  return `${prefix} ${Math.random().toString(36).slice(2, 8)}`;
}

test("sends a message and streams an answer served by the local engine", async ({ page }) => {
  const chat = new ChatPage(page);
  await chat.goto("/");
  const question = unique("Hello");
  // The tiny model writes its 1,024 tokens in about a second, so Stop may be on screen for only that
  // long: watch for it from before the send, not after checks a busy machine may take a second over.
  const streamed = chat.stopButton.waitFor({ state: "visible" });
  await chat.send(question);

  await expect(chat.userMessages).toHaveCount(1);
  await expect(chat.userMessages.first()).toContainText(question);
  await expect(page).toHaveURL(/\/c\/[A-Za-z0-9_-]{22}$/);
  await streamed;
  await chat.waitForAnswer();

  const answer = chat.lastAnswer();
  await expect(answer).toHaveCount(1);
  // The details line names the backend and the generated model's file; the model's own random words
  // can contain "local engine", but not that file name.
  const detailsLine = answer.getByText(/Local engine · tiny-chatml\.gguf/);
  await expect(detailsLine).toHaveCount(1);
  await expect(detailsLine).toContainText(/tokens/);
  // What it cost, priced as the catalog model the local engine stands in for, and labelled an estimate.
  await expect(detailsLine).toContainText(/≈ \d+ neurons \(≈ \$[\d.]+\), estimate/);
  // Something besides the details line and the buttons: the streamed text itself.
  const details = await detailsLine.innerText();
  const body = (await answer.innerText()).replace(details, "").replace(/\b(Copy|Regenerate)\b/g, "");
  expect(body.trim()).not.toBe("");
  await expect(chat.composer).toHaveValue("");

  // The new conversation is listed and marked as the current page.
  await expect(chat.conversationLink(question)).toHaveAttribute("aria-current", "page");
});

test("Stop keeps a partial answer and marks it stopped", async ({ page }) => {
  const chat = new ChatPage(page);
  await chat.goto("/");
  // A long answer (about 3 s here), so there is time to stop it. On a model that takes no tools:
  // the five tools' definitions cost the generated model ~2,000 of its 4,096 tokens of context.
  await page.getByRole("combobox", { name: "Model", exact: true }).selectOption("@cf/meta/llama-3.2-1b-instruct");
  await page.getByRole("button", { name: "Settings", exact: true }).click();
  await page.getByLabel("Max tokens").fill("4000"); // the generated model runs to max tokens; its context is 4096
  await chat.send(unique("Tell me a long story"));

  await expect(chat.assistantMessages).toHaveCount(1); // Streaming has begun.
  await chat.stopButton.click();
  await chat.waitForAnswer();
  await expect(chat.lastAnswer()).toContainText("Stopped — partial answer");

  // The Worker kept the partial answer with the same mark.
  await page.reload();
  await expect(chat.lastAnswer()).toContainText("Stopped — partial answer");
});

test("Regenerate replaces the last answer", async ({ page }) => {
  const chat = new ChatPage(page);
  await chat.startConversation(unique("Regenerate me"));
  await expect(chat.assistantMessages).toHaveCount(1);

  // Watched from before the click: the regenerated answer may stream for only about a second.
  const streamed = chat.stopButton.waitFor({ state: "visible" });
  await chat.lastAnswer().getByRole("button", { name: "Regenerate" }).click();
  await streamed;
  await chat.waitForAnswer();
  await expect(chat.userMessages).toHaveCount(1);
  await expect(chat.assistantMessages).toHaveCount(1);
  await expect(chat.lastAnswer()).toContainText(/Local engine · tiny-chatml\.gguf/);

  await page.reload();
  await expect(chat.userMessages).toHaveCount(1);
  await expect(chat.assistantMessages).toHaveCount(1);
});

test("editing a question resends it on a new branch: what came after is no longer on screen", async ({ page }) => {
  const chat = new ChatPage(page);
  await chat.startConversation(unique("First question"));
  await chat.send("Second question");
  await chat.waitForAnswer();
  await expect(chat.assistantMessages).toHaveCount(2);

  const first = chat.userMessages.first();
  await first.getByRole("button", { name: "Edit" }).click();
  await chat.log.getByRole("textbox", { name: "Edit message" }).fill("Edited question");
  await chat.log.getByRole("button", { name: "Save and resend" }).click();
  await chat.waitForAnswer();

  await expect(chat.userMessages).toHaveCount(1);
  await expect(chat.userMessages.first()).toContainText("Edited question");
  await expect(chat.assistantMessages).toHaveCount(1);

  await page.reload();
  await expect(chat.userMessages).toHaveCount(1);
  await expect(chat.userMessages.first()).toContainText("Edited question");
});

test("a conversation survives a reload and is listed in the sidebar", async ({ page }) => {
  const chat = new ChatPage(page);
  const question = unique("Remember me");
  const url = await chat.startConversation(question);

  await page.reload();
  await expect(page).toHaveURL(url);
  await expect(chat.userMessages.first()).toContainText(question);
  await expect(chat.assistantMessages).toHaveCount(1);
  await expect(chat.lastAnswer()).toContainText(/Local engine · tiny-chatml\.gguf/);

  // From a new chat, the sidebar link leads back to it.
  await chat.sidebar.getByRole("link", { name: "New chat" }).click();
  await expect(page).toHaveURL(/\/$/);
  await expect(chat.userMessages).toHaveCount(0);
  await chat.conversationLink(question).click();
  await expect(page).toHaveURL(url);
  await expect(chat.userMessages.first()).toContainText(question);
});

test("rename, search and delete conversations", async ({ page }) => {
  const chat = new ChatPage(page);
  const first = unique("Alpha");
  const second = unique("Beta");
  await chat.startConversation(first);
  await chat.startConversation(second);
  await expect(chat.conversationLink(first)).toBeVisible();

  // Rename: Enter saves.
  const renamed = unique("Renamed");
  await chat.rename(first, renamed);
  await expect(chat.conversationLink(renamed)).toBeVisible();
  await expect(chat.conversationLink(first)).toHaveCount(0);

  // Rename: Escape cancels.
  await chat.sidebar.getByRole("button", { name: `Rename ${renamed}` }).click();
  const input = chat.sidebar.getByRole("textbox", { name: `New title for ${renamed}` });
  await input.fill("Not this");
  await input.press("Escape");
  await expect(chat.conversationLink(renamed)).toBeVisible();

  // The new title is what the server kept.
  await page.reload();
  await expect(chat.conversationLink(renamed)).toBeVisible();

  // Search narrows the list by title.
  await chat.search.fill(renamed);
  await expect(chat.conversationLink(renamed)).toBeVisible();
  await expect(chat.conversationLink(second)).toHaveCount(0);
  await chat.search.fill("no such title zzzz");
  await expect(chat.sidebar.getByRole("link", { name: renamed })).toHaveCount(0);
  await expect(chat.sidebar).toContainText("No conversation matches.");
  await chat.search.fill("");
  await expect(chat.conversationLink(second)).toBeVisible();

  // Delete the current conversation: it leaves the list and the page starts a new chat.
  await expect(chat.conversationLink(second)).toHaveAttribute("aria-current", "page");
  await chat.delete(second);
  await expect(chat.conversationLink(second)).toHaveCount(0);
  await expect(page).toHaveURL(/\/$/);
  await page.reload();
  await expect(chat.conversationLink(renamed)).toBeVisible();
  await expect(chat.conversationLink(second)).toHaveCount(0);
});

test("rename keeps a typed title when the field loses focus, and Escape still cancels", async ({ page }) => {
  const chat = new ChatPage(page);
  const question = unique("Blur rename");
  await chat.startConversation(question);

  const typed = unique("Kept on blur");
  await chat.sidebar.getByRole("button", { name: `Rename ${question}` }).click();
  await chat.sidebar.getByRole("textbox", { name: `New title for ${question}` }).fill(typed);
  await chat.composer.click();
  await expect(chat.conversationLink(typed)).toBeVisible();

  await chat.sidebar.getByRole("button", { name: `Rename ${typed}` }).click();
  const input = chat.sidebar.getByRole("textbox", { name: `New title for ${typed}` });
  await input.fill("Not this");
  await input.press("Escape");
  await chat.composer.click();
  await expect(chat.conversationLink(typed)).toBeVisible();
  await page.reload();
  await expect(chat.conversationLink(typed)).toBeVisible();
  await expect(chat.conversationLink("Not this")).toHaveCount(0);
});

test("another browser sees none of the first one's conversations", async ({ page, browser }) => {
  const chat = new ChatPage(page);
  const question = unique("Private");
  const url = await chat.startConversation(question);

  const other = await browser.newContext();
  try {
    const otherChat = new ChatPage(await other.newPage());
    await otherChat.goto("/");
    await expect(otherChat.sidebar).toContainText("No conversations yet.");
    await expect(otherChat.conversationLink(question)).toHaveCount(0);

    await otherChat.page.goto(url);
    await expect(otherChat.page.getByRole("alert")).toContainText("does not exist");
    await expect(otherChat.userMessages).toHaveCount(0);
  } finally {
    await other.close();
  }
});

test("Enter sends, Shift+Enter adds a line, Enter while composing does nothing", async ({ page }) => {
  const chat = new ChatPage(page);
  await chat.goto("/");

  await chat.composer.fill("line one");
  await chat.composer.press("Shift+Enter");
  await chat.composer.pressSequentially("line two");
  await expect(chat.composer).toHaveValue("line one\nline two");
  await expect(chat.userMessages).toHaveCount(0);

  // An IME confirming a candidate sends Enter with isComposing set; that must not send.
  await chat.composer.dispatchEvent("keydown", { key: "Enter", code: "Enter", isComposing: true, bubbles: true });
  await expect(chat.composer).toHaveValue("line one\nline two");
  await expect(chat.userMessages).toHaveCount(0);

  await chat.composer.press("Enter");
  await expect(chat.userMessages).toHaveCount(1);
  await expect(chat.userMessages.first()).toContainText("line one\nline two");
  await expect(chat.composer).toHaveValue("");
  await chat.waitForAnswer();
});

test("a rate-limited send says so and counts down before Retry works", async ({ page }) => {
  const chat = new ChatPage(page);
  await chat.goto("/");
  await spendRateAllowance(page, "/api/chat", { not: "a chat request" }, 400);
  await chat.send(unique("One too many"));
  const alert = page.getByRole("alert").filter({ hasText: "Too many requests" });
  await expect(alert).toContainText("Try again in 60 seconds");
  await expect(alert).toContainText(/Retry in \d+ s/);
  await expect(alert.getByRole("button", { name: "Retry" })).toBeDisabled();
});

test("the header shows what is left of today's budget in neurons, and it goes down", async ({ page }) => {
  const chat = new ChatPage(page);
  await chat.goto("/");
  const budget = page.getByText(/neurons left today/);
  await expect(budget).toHaveText("2,000 neurons left today"); // a new guest's budget (wrangler.jsonc)
  await chat.send(unique("Spend a little"));
  await chat.waitForAnswer();
  await expect(budget).not.toHaveText("2,000 neurons left today");
});
