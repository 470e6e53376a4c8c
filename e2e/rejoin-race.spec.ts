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
  // A reload on Vite's dev server under load can take most of a minute by itself.
  test.setTimeout(180_000);
  // Long enough (30 s) that the reloaded page, slow on a loaded machine, reads the conversation before it ends.
  await setScript({ tokens: 60, fault: "drip", dripMs: 500 });
  const chat = new ChatPage(page);
  await chat.goto("/");
  await chat.send("A question whose answer ends while the page reloads");
  await expect(chat.lastAnswer()).toContainText("w2");
  const id = conversationIdOf(page);

  let held = 0;
  await page.route("**/api/chat/*/stream", async (route) => {
    held++;
    await expect
      .poll(async () => (await storedConversation(page, id)).messages.at(-1)?.metadata?.status, { timeout: 90_000 })
      .toBe("complete");
    await route.continue();
  });
  // Not "load": the page's own requests (the held rejoin among them) may keep it from firing.
  await page.reload({ waitUntil: "commit" });
  // What the reloaded page read (its scripts load well after the commit): the race needs a read taken while the answer ran.
  const read = await page.waitForResponse(
    (r) => r.request().method() === "GET" && new URL(r.url()).pathname === `/api/conversations/${id}`,
  );
  const readMessages = ((await read.json()) as { messages: { role: string }[] }).messages;
  expect(readMessages.at(-1)?.role, "the page read the conversation after the answer had ended: no race to check").toBe("user");
  await expect(chat.userMessages).toHaveCount(1);
  // The rejoin is held until the whole answer is saved (up to 30 s after the reload), so the
  // answer can only appear after that: the wait matches the hold, not the default 15 s.
  await expect(chat.lastAnswer()).toContainText("w59", { timeout: 95_000 });
  expect(held).toBe(1);
});
