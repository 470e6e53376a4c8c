import { expect, test } from "@playwright/test";
import { ChatPage } from "./pages/ChatPage";
import { setScript } from "./support/fake-control";

// A conversation opened while its answer is still streaming elsewhere (a second tab, or a reload in
// the moment between Stop and the Worker saving the partial answer) says so and shows the answer
// once it is saved. The model is the fake Workers AI (TEST DOUBLE, e2e/support/fake-workers-ai.ts).

test.afterEach(async () => {
  await setScript({ tokens: 40 });
});

test("a second tab opened mid-answer waits for the answer instead of showing the question unanswered", async ({ page, context }) => {
  await setScript({ tokens: 80, fault: "drip", dripMs: 100 }); // about 8 s of answer: time for a second page to open
  const first = new ChatPage(page);
  await first.goto("/");
  await first.send("Write slowly");
  await expect(first.lastAnswer()).toContainText("w2");

  const second = new ChatPage(await context.newPage());
  await second.goto(page.url());
  await expect(second.userMessages).toHaveCount(1);
  const waiting = second.page.getByRole("status").filter({ hasText: "The answer is still being written" });
  await expect(waiting).toBeVisible();
  await expect(second.assistantMessages).toHaveCount(0);

  await first.waitForAnswer();
  await expect(second.lastAnswer()).toContainText("w79", { timeout: 10_000 });
  await expect(waiting).toBeHidden();
  await expect(second.lastAnswer()).not.toContainText(/Stopped|Failed/);
});

test("when checking for the answer fails, the page says so instead of waiting in silence", async ({ page, context }) => {
  await setScript({ tokens: 80, fault: "drip", dripMs: 100 });
  const first = new ChatPage(page);
  await first.goto("/");
  await first.send("Write slowly, again");
  await expect(first.lastAnswer()).toContainText("w2");

  const second = new ChatPage(await context.newPage());
  await second.goto(page.url());
  await expect(second.page.getByRole("status").filter({ hasText: "The answer is still being written" })).toBeVisible();
  // TEST DOUBLE: the network drops the second page's next look at the conversation.
  await second.page.route("**/api/conversations/*", (route) => route.abort("internetdisconnected"));
  await expect(second.page.getByRole("alert")).toContainText(/Could not check for the answer .*Reload the page/);
  await expect(second.page.getByRole("status").filter({ hasText: "The answer is still being written" })).toHaveCount(0);
  await first.waitForAnswer();
});
