import { expect, test } from "@playwright/test";
import { ChatPage } from "./pages/ChatPage";
import { conversationIdOf, setScript, storedConversation } from "./support/fake-control";

// A page opened while an answer runs reads the conversation, then rejoins the answer
// (GET …/stream). When the answer ends in between, the rejoin finds nothing (204) and the page
// showed the question without its answer until a reload (seen as a flaky e2e/vision-faults.spec.ts).
// Made deterministic here: the rejoin is held back until the server has saved the whole answer.

test.afterEach(async () => {
  await setScript({ tokens: 40 });
});

test("an answer that ends between the page's read and its rejoin still appears, without a reload", async ({ page }) => {
  await setScript({ tokens: 40, fault: "drip", dripMs: 200 });
  const chat = new ChatPage(page);
  await chat.goto("/");
  await chat.send("A question whose answer ends while the page reloads");
  await expect(chat.lastAnswer()).toContainText("w2");
  const id = conversationIdOf(page);

  // What the reloaded page read: the race needs a read taken while the answer ran.
  let readWhileRunning: boolean | undefined;
  await page.route(`**/api/conversations/${id}`, async (route) => {
    const response = await route.fetch();
    const body = (await response.json()) as { messages: { role: string }[] };
    readWhileRunning ??= body.messages.at(-1)?.role === "user";
    await route.fulfill({ response, json: body });
  });
  let held = 0;
  await page.route("**/api/chat/*/stream", async (route) => {
    held++;
    await expect
      .poll(async () => (await storedConversation(page, id)).messages.at(-1)?.metadata?.status, { timeout: 30_000 })
      .toBe("complete");
    await route.continue();
  });
  await page.reload();
  await expect(chat.userMessages).toHaveCount(1);
  await expect(chat.lastAnswer()).toContainText("w39");
  expect(readWhileRunning, "the page read the conversation after the answer had ended: no race to check").toBe(true);
  expect(held).toBe(1);
});
