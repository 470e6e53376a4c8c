import AxeBuilder from "@axe-core/playwright";
import { expect, test } from "@playwright/test";
import { ChatPage } from "./pages/ChatPage";
import { ComparePanel } from "./pages/ComparePanel";
import { conversationIdOf, setScript, storedConversation, textOf } from "./support/fake-control";

// Side by side on the fake project: the fake Workers AI (TEST DOUBLE) answers every model with the
// scripted text, so the columns are told apart by the model each names, not by their words.

const SCOUT = "Llama 4 Scout 17B";
const GEMMA = "Gemma 4 26B A4B";
const GLM = "GLM 4.7 Flash";

test("asks two models side by side; each column shows its speed and cost; Keep this one continues from it", async ({ page }) => {
  await setScript({ text: "Side by side answer.", tokensPerSecond: 40 });
  const chat = new ChatPage(page);
  const compare = new ComparePanel(page);
  await chat.goto("/");
  await compare.open();
  await expect(compare.model(1)).toHaveValue(/llama-4-scout/);
  await expect(compare.model(2)).not.toHaveValue(/llama-4-scout/);

  // A third model can be added and removed again; no more than three.
  await compare.dialog.getByRole("button", { name: "Add a model" }).click();
  await expect(compare.model(3)).toBeVisible();
  await expect(compare.dialog.getByRole("button", { name: "Add a model" })).toBeHidden();
  await compare.dialog.getByRole("button", { name: "Remove model 3" }).click();
  await expect(compare.model(3)).toBeHidden();

  // The same model twice is refused before anything is sent.
  await compare.model(2).selectOption({ label: SCOUT });
  await compare.question.fill("Which fruit is best?");
  await expect(compare.dialog.getByText("Pick a different model for each answer.")).toBeVisible();
  await expect(compare.dialog.getByRole("button", { name: "Ask 2 models" })).toBeDisabled();
  await compare.model(2).selectOption({ label: GEMMA });

  const axe = await new AxeBuilder({ page })
    .include("dialog")
    .options({ resultTypes: ["violations"] })
    .analyze();
  expect(axe.violations.filter((v) => v.impact === "serious" || v.impact === "critical")).toEqual([]);

  await compare.ask("Which fruit is best?", 2);
  await expect(page).toHaveURL(/\/c\/[A-Za-z0-9_-]{22}$/);
  for (const label of [SCOUT, GEMMA]) {
    const column = compare.column(label);
    await expect(column).toContainText("Side by side answer.");
    await expect(column).toContainText(/s to first token · [\d.]+ tokens\/s/);
    await expect(column).toContainText(/Cost ≈ [\d,]+ neurons/);
  }
  const withAnswers = await new AxeBuilder({ page })
    .include("dialog")
    .options({ resultTypes: ["violations"] })
    .analyze();
  expect(withAnswers.violations.filter((v) => v.impact === "serious" || v.impact === "critical")).toEqual([]);

  await compare
    .column(GEMMA)
    .getByRole("button", { name: `Keep this one: ${GEMMA}` })
    .click();
  await expect(compare.dialog).toBeHidden();
  // The kept answer is on screen, the other is its other version, and the conversation goes on with its model.
  await expect(chat.lastAnswer()).toContainText("Side by side answer.");
  await expect(chat.lastAnswer().getByRole("group", { name: "Versions" })).toBeVisible();
  await expect(page.getByRole("combobox", { name: "Model", exact: true })).toHaveValue(/gemma/);
  const id = conversationIdOf(page);
  const stored = await storedConversation(page, id);
  expect(stored.messages.map((m) => m.role)).toEqual(["user", "assistant"]);
  expect(stored.messages[1].metadata?.model).toMatch(/gemma/);

  await setScript({ text: "Carrying on." });
  await chat.send("Tell me more");
  await chat.waitForAnswer();
  const after = await storedConversation(page, id);
  expect(after.messages.map(textOf)).toEqual(["Which fruit is best?", "Side by side answer.", "Tell me more", "Carrying on."]);
  expect(after.messages[1].metadata?.model).toMatch(/gemma/);
});

test("stops one column alone while the others go on; on a phone the columns stack", async ({ page }) => {
  await page.setViewportSize({ width: 360, height: 800 });
  await setScript({ tokens: 400, tokensPerSecond: 20 });
  const chat = new ChatPage(page);
  const compare = new ComparePanel(page);
  await chat.goto("/");
  // The control fits the chat header of a small phone: nothing scrolls sideways, and it is whole on screen.
  await expect(compare.opener).toBeInViewport({ ratio: 1 });
  expect(await page.evaluate(() => document.documentElement.scrollWidth)).toBeLessThanOrEqual(360);
  await compare.open();
  await compare.dialog.getByRole("button", { name: "Add a model" }).click();
  await compare.ask("Count slowly", 3);
  const [first, second, third] = [compare.column(SCOUT), compare.column(GEMMA), compare.column(GLM)];
  await expect(second).toContainText("w2");
  // Stacked: one column under the other.
  const [a, b] = [await first.boundingBox(), await second.boundingBox()];
  expect(b!.y).toBeGreaterThan(a!.y + a!.height - 1);

  await second.getByRole("button", { name: `Stop ${GEMMA}` }).click();
  await expect(second.getByRole("heading")).toContainText("(stopped)");
  await expect(second.getByRole("button", { name: `Keep this one: ${GEMMA}` })).toBeVisible();
  await expect(first.getByRole("button", { name: `Stop ${SCOUT}` })).toBeVisible();
  await expect(third.getByRole("button", { name: `Stop ${GLM}` })).toBeVisible();
  await first.getByRole("button", { name: `Stop ${SCOUT}` }).click();
  await third.getByRole("button", { name: `Stop ${GLM}` }).click();
  await expect(first.getByRole("heading")).toContainText("(stopped)");
  await expect(third.getByRole("heading")).toContainText("(stopped)");
});

test("reloaded mid-answer, every column comes back and streams to its end; the first question is titled", async ({ page }) => {
  const title = `Counting side by side ${Date.now()}`;
  await setScript({ tokens: 80, tokensPerSecond: 16, title });
  const chat = new ChatPage(page);
  const compare = new ComparePanel(page);
  await chat.goto("/");
  await compare.open();
  await compare.dialog.getByRole("button", { name: "Add a model" }).click();
  await compare.ask("Count with me", 3);
  await expect(compare.column(GLM)).toContainText("w3");

  // The answers are written in the person's Durable Object: a reload shows all three again, still streaming.
  await page.reload();
  await expect(compare.dialog).toBeVisible();
  await expect(compare.dialog).toContainText("You asked: Count with me");
  const columns = [compare.column(SCOUT), compare.column(GEMMA), compare.column(GLM)];
  for (const column of columns) await expect(column.getByRole("button", { name: /^Stop / })).toBeVisible();
  const axe = await new AxeBuilder({ page })
    .include("dialog")
    .options({ resultTypes: ["violations"] })
    .analyze();
  expect(axe.violations.filter((v) => v.impact === "serious" || v.impact === "critical")).toEqual([]);
  for (const [i, column] of columns.entries()) {
    await expect(column).toContainText("w79", { timeout: 30_000 });
    await expect(column.getByRole("button", { name: `Keep this one: ${[SCOUT, GEMMA, GLM][i]}` })).toBeVisible();
  }
  // Titled as a chat's first question is.
  await expect(chat.conversationLink(title)).toBeVisible();

  await compare
    .column(SCOUT)
    .getByRole("button", { name: `Keep this one: ${SCOUT}` })
    .click();
  await expect(compare.dialog).toBeHidden();
  const stored = await storedConversation(page, conversationIdOf(page));
  expect(stored.messages.map((m) => m.role)).toEqual(["user", "assistant"]);
  expect(stored.messages[1].metadata?.model).toMatch(/llama-4-scout/);
  expect(textOf(stored.messages[1])).toContain("w79");
});

test("closed mid-answer, the answers go on: the conversation says so and shows them side by side again", async ({ page }) => {
  await setScript({ tokens: 80, tokensPerSecond: 16 });
  const chat = new ChatPage(page);
  const compare = new ComparePanel(page);
  await chat.goto("/");
  await compare.open();
  await compare.ask("Count again", 2);
  await expect(compare.column(GEMMA)).toContainText("w3");

  await compare.dialog.getByRole("button", { name: "Close" }).click();
  await expect(compare.dialog).toBeHidden();
  await expect(compare.notice).toHaveText("2 answers are still being written side by side.");
  await compare.showAgain.click();
  await expect(compare.dialog).toBeVisible();
  // Focus goes back to where it was when the dialog closes.
  await page.keyboard.press("Escape");
  await expect(compare.dialog).toBeHidden();
  await expect(compare.showAgain).toBeFocused();

  // Ended while hidden: the conversation shows what was saved, and the answers are still there side by side.
  await expect(compare.notice).toHaveText("The answers side by side have ended.", { timeout: 30_000 });
  await expect(chat.lastAnswer()).toContainText("w79");
  await compare.showAgain.click();
  for (const label of [SCOUT, GEMMA]) await expect(compare.column(label)).toContainText("w79");
  await compare
    .column(GEMMA)
    .getByRole("button", { name: `Keep this one: ${GEMMA}` })
    .click();
  await expect(compare.dialog).toBeHidden();
  await expect(compare.notice).toHaveCount(0);
  await expect(page.getByRole("combobox", { name: "Model", exact: true })).toHaveValue(/gemma/);
});
