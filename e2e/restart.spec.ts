import { expect, test } from "@playwright/test";
import { ChatPage } from "./pages/ChatPage";
import { conversationIdOf, restartApp, setScript, storedConversation } from "./support/fake-control";

// Restart: the Worker's process (workerd, under Vite) is stopped and started again on the same state
// directory, the way a deploy or a crash restarts it. Nothing stored may be lost, and the browser's
// identity cookie must still open its own conversations.
test("a Worker restart loses nothing: conversations, answers, marks, titles and identity survive", async ({ page }) => {
  test.setTimeout(180_000);
  const chat = new ChatPage(page);
  await setScript({ tokens: 15 });
  await chat.startConversation("Before the restart, first");
  const first = conversationIdOf(page);
  await chat.send("A second question in the same conversation");
  await chat.waitForAnswer();

  // A second conversation with a partial answer stopped midway, and a new title.
  await setScript({ tokens: 400, fault: "drip", dripMs: 100 });
  await chat.goto("/");
  await chat.send("Before the restart, stopped");
  await expect(chat.lastAnswer()).toContainText("w3");
  await chat.stopButton.click();
  await chat.waitForAnswer();
  const second = conversationIdOf(page);
  await chat.rename("Before the restart, stopped", "Renamed before the restart");
  await expect(chat.conversationLink("Renamed before the restart")).toBeVisible();
  await setScript({ tokens: 15 });

  const list = async () => (await (await page.request.get("/api/conversations")).json()) as { conversations: { id: string; title: string; updatedAt: number }[] };
  const before = { list: await list(), first: await storedConversation(page, first), second: await storedConversation(page, second) };
  expect(before.list.conversations.map((c) => c.id).sort()).toEqual([first, second].sort());
  expect(before.first.messages).toHaveLength(4);
  expect(before.second.messages[1].metadata?.status).toBe("stopped");

  const started = Date.now();
  await restartApp();
  console.log(`restart: the app answered again after ${((Date.now() - started) / 1000).toFixed(1)} s`);

  const after = { list: await list(), first: await storedConversation(page, first), second: await storedConversation(page, second) };
  expect(after).toEqual(before);

  // The page works on the restarted Worker: it lists both, opens one, and gets a new answer.
  await page.goto(`/c/${first}`);
  await expect(chat.userMessages).toHaveCount(2);
  await expect(chat.conversationLink("Renamed before the restart")).toBeVisible();
  await chat.send("After the restart");
  await chat.waitForAnswer();
  await expect(chat.assistantMessages).toHaveCount(3);
  await expect(chat.lastAnswer()).toContainText("w14");
  expect((await storedConversation(page, first)).messages).toHaveLength(6);
});
