import { expect, test } from "@playwright/test";
import { ChatPage } from "./pages/ChatPage";
import { conversationIdOf, fakeStats, setScript, storedConversation, textOf } from "./support/fake-control";

// Answers outlive the tab: the person's Durable Object writes them, any page of the conversation
// rejoins the answer and sees it grow live, and Stop works from any of them. The model is the fake
// Workers AI (TEST DOUBLE, e2e/support/fake-workers-ai.ts), dripping a token every 100 ms.

test.afterEach(async () => {
  await setScript({ tokens: 40 });
});

test("closing the page mid-answer is not Stop: reopened, the answer grows live and ends whole", async ({ page, context }) => {
  // About 20 s of answer: long enough that the page reopens mid-answer even on a busy machine.
  await setScript({ tokens: 200, fault: "drip", dripMs: 100 });
  const first = new ChatPage(page);
  await first.goto("/");
  await first.send("Write slowly");
  await expect(first.lastAnswer()).toContainText("w2");
  const url = page.url();
  await page.close();

  const again = new ChatPage(await context.newPage());
  await again.goto(url);
  await expect(again.userMessages).toHaveCount(1);
  // What was written while no page was open is there at once, and the rest arrives live.
  await expect(again.lastAnswer()).toContainText("w2");
  await expect(again.stopButton).toBeVisible();
  await expect(again.lastAnswer()).not.toContainText("w199");
  await again.waitForAnswer();
  await expect(again.lastAnswer()).toContainText("w199");
  await expect(again.lastAnswer()).not.toContainText(/Stopped|Failed|Interrupted/);
  const stored = await storedConversation(again.page, conversationIdOf(again.page));
  expect(stored.messages[1].metadata?.status).toBe("complete");
  expect(textOf(stored.messages[1])).toContain("w199");
});

test("two pages of one conversation both show the answer growing, and Stop from the second stops it for both", async ({
  page,
  context,
}) => {
  await setScript({ tokens: 400, fault: "drip", dripMs: 100 });
  const first = new ChatPage(page);
  await first.goto("/");
  await first.send("Write slowly, for two");
  await expect(first.lastAnswer()).toContainText("w2");

  const second = new ChatPage(await context.newPage());
  await second.goto(page.url());
  await expect(second.lastAnswer()).toContainText("w2");
  // Both are live: each sees words the other had not seen when it opened.
  await expect(second.lastAnswer()).toContainText("w12");
  await expect(first.lastAnswer()).toContainText("w12");

  await second.stopButton.click();
  await second.waitForAnswer();
  await first.waitForAnswer();
  await expect(second.lastAnswer()).toContainText("Stopped — partial answer");
  await expect(first.lastAnswer()).toContainText("Stopped — partial answer");
  await expect(first.page.getByRole("alert")).toHaveCount(0);
  // The Stop reached the model call: no more tokens are paid for.
  await expect.poll(async () => (await fakeStats()).open, { timeout: 15_000 }).toBe(0);
  const stored = await storedConversation(page, conversationIdOf(page));
  expect(stored.messages[1].metadata?.status).toBe("stopped");
  expect(textOf(stored.messages[1])).not.toContain("w399");
});
