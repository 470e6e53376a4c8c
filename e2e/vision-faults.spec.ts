import { expect, test, type Page } from "@playwright/test";
import { dropFile } from "./pages/drop-file";
import { fakeStats, setScript } from "./support/fake-control";

// Vision answers stopped or broken mid-way, against the fake Workers AI (TEST DOUBLE,
// e2e/support/fake-workers-ai.ts): the page marks the partial answer at once, as chat does, and the
// thread keeps the same mark after a reload.

test.afterEach(async () => {
  await setScript({ tokens: 40 });
});

async function askAboutAnImage(page: Page) {
  await page.goto("/vision");
  await dropFile(page, { kind: "red-png" });
  await page.getByRole("button", { name: "Describe this image" }).click();
  return page.getByRole("article", { name: "Assistant" }).last();
}

test("Stop keeps the partial answer and marks it stopped, before and after a reload", async ({ page }) => {
  await setScript({ tokens: 400, fault: "drip", dripMs: 100 });
  const answer = await askAboutAnImage(page);
  await expect(answer).toContainText("w3");
  await page.getByRole("button", { name: "Stop" }).click();
  await expect(answer).toContainText("Stopped — partial answer");
  await expect(page.getByRole("button", { name: "Ask" })).toBeVisible();

  await expect(page).toHaveURL(/\/vision\/[A-Za-z0-9_-]{22}$/);
  await page.reload();
  const stored = page.getByRole("article", { name: "Assistant" }).last();
  await expect(stored).toContainText("w3");
  await expect(stored).toContainText("Stopped — partial answer");
  await expect(stored).not.toContainText("w399");
});

test("an answer that breaks mid-way is marked failed with the reason, and the error offers Retry", async ({ page }) => {
  await setScript({ tokens: 40, fault: "mid-stream" });
  const answer = await askAboutAnImage(page);
  await expect(answer).toContainText(/Failed: .*broke off/);
  await expect(page.getByRole("alert").getByRole("button", { name: "Retry" })).toBeEnabled();
});

test("a vision answer outlives its page: reopened, it grows live; Stop from a second page stops it for both", async ({ page, context }) => {
  await setScript({ tokens: 400, fault: "drip", dripMs: 100 });
  const answer = await askAboutAnImage(page);
  await expect(answer).toContainText("w2");
  await expect(page).toHaveURL(/\/vision\/[A-Za-z0-9_-]{22}$/);
  const url = page.url();

  const second = await context.newPage();
  await second.goto(url);
  const rejoined = second.getByRole("article", { name: "Assistant" }).last();
  await expect(rejoined).toContainText("w2");
  await expect(rejoined).toContainText("w12"); // live: more than was written when it opened
  await expect(answer).toContainText("w12");

  await second.getByRole("button", { name: "Stop" }).click();
  await expect(rejoined).toContainText("Stopped — partial answer");
  await expect(answer).toContainText("Stopped — partial answer");
  await expect(page.getByRole("button", { name: "Ask" })).toBeVisible();
  await expect.poll(async () => (await fakeStats()).open, { timeout: 15_000 }).toBe(0);

  // Closing a page is not Stop: a new question, the page closed, the answer still ends whole.
  await setScript({ tokens: 30, fault: "drip", dripMs: 100 });
  await second.getByRole("textbox", { name: "Question" }).fill("And again?");
  await second.getByRole("button", { name: "Ask" }).click();
  await expect(second.getByRole("article", { name: "Assistant" }).last()).toContainText("w1");
  await second.close();
  await page.reload();
  const last = page.getByRole("article", { name: "Assistant" }).last();
  await expect(last).toContainText("w29", { timeout: 30_000 });
  await expect(last).not.toContainText(/Stopped|Failed|Interrupted/);
});
