import AxeBuilder from "@axe-core/playwright";
import { expect, test, type Page } from "@playwright/test";
import { ChatPage } from "./pages/ChatPage";
import { conversationIdOf, lastRequest, setScript, storedConversation, textOf } from "./support/fake-control";

// A reasoning model's answer streamed by the fake Workers AI (TEST DOUBLE): `reasoning_content`
// pieces first, then the text, both paced so the page is seen thinking. Issue 23.
const REASONING = "The person asks about wombats. Their intestine shapes the droppings into cubes, so say that.";
const ANSWER = "Wombats leave cube-shaped droppings.";
const STREAMING_REASONER = "@cf/zai-org/glm-4.7-flash";
const TAKES_EFFORT = "@cf/openai/gpt-oss-20b";

async function pickModel(page: Page, model: string) {
  await page.getByRole("combobox", { name: "Model", exact: true }).selectOption(model);
}

test("a streamed reasoning answer: 'Thinking…', then 'Thought for N s' collapsed, expandable, apart from the answer, the same after a reload", async ({
  page,
}) => {
  // Two streamed answers' worth of waiting, a reload and two axe scans on a loaded machine.
  test.setTimeout(180_000);
  // Reasoning 23 pieces at 12 per second: about 2 s of thinking, then the text.
  await setScript({ reasoning: REASONING, text: ANSWER, format: "openai", tokensPerSecond: 12 });
  // The copy button's text, captured (the clipboard itself needs a permission headless runs lack).
  await page.addInitScript(() => {
    Object.defineProperty(navigator.clipboard, "writeText", {
      value: (text: string) => {
        (window as unknown as { copied: string }).copied = text;
        return Promise.resolve();
      },
    });
  });
  const chat = new ChatPage(page);
  await chat.goto("/");
  await pickModel(page, STREAMING_REASONER);
  await chat.send("Why are wombat droppings cube-shaped?");

  const answer = chat.lastAnswer();
  // One assertion: the label changes as soon as the thinking ends (about 2 s).
  await expect(answer.getByRole("button", { name: "Thinking…", expanded: false })).toBeVisible();

  const thought = answer.getByRole("button", { name: /^Thought for \d+(\.\d)? s$/ });
  await expect(thought).toBeVisible();
  await chat.waitForAnswer();
  await expect(answer).toContainText(ANSWER);
  // Collapsed: the reasoning is not on the page, and the answer's text is only the answer.
  await expect(thought).toHaveAttribute("aria-expanded", "false");
  await expect(answer).not.toContainText("intestine");

  // The label is the Worker's measurement, saved with the answer: the reasoning took about 2 s.
  const stored = await storedConversation(page, conversationIdOf(page));
  const saved = stored.messages.at(-1)!;
  expect(textOf(saved)).toBe(ANSWER);
  const reasoningMs = saved.metadata?.reasoningMs as number;
  expect(reasoningMs).toBeGreaterThanOrEqual(1_000);
  const label = `Thought for ${Math.round(reasoningMs / 1000)} s`;
  await expect(thought).toHaveAccessibleName(label);

  await thought.click();
  await expect(thought).toHaveAttribute("aria-expanded", "true");
  const region = page.locator(`[id="${await thought.getAttribute("aria-controls")}"]`);
  await expect(region).toBeVisible();
  await expect(region).toHaveText(REASONING);
  // Open, in both themes: nothing serious or critical for axe (contrast of the muted reasoning text, the button's name).
  for (const colorScheme of ["light", "dark"] as const) {
    await page.emulateMedia({ colorScheme });
    await page.evaluate(() => document.documentElement.classList.toggle("dark", matchMedia("(prefers-color-scheme: dark)").matches));
    const { violations } = await new AxeBuilder({ page }).include("[aria-label='Assistant']").analyze();
    expect(violations.filter((v) => v.impact === "serious" || v.impact === "critical").map((v) => `${colorScheme}: ${v.id}`)).toEqual([]);
  }

  // Copying the answer copies the answer, not the thinking.
  await answer.getByRole("button", { name: "Copy message" }).click();
  await expect.poll(() => page.evaluate(() => (window as unknown as { copied?: string }).copied)).toBe(ANSWER);

  await page.reload();
  const again = chat.lastAnswer().getByRole("button", { name: label });
  await expect(again).toHaveAttribute("aria-expanded", "false");
  await expect(chat.lastAnswer()).toContainText(ANSWER);
  await expect(chat.lastAnswer()).not.toContainText("intestine");
  await again.click();
  await expect(chat.lastAnswer()).toContainText(REASONING);
});

test("the reasoning effort is offered only for a model that takes one, reaches the model and is kept with the conversation", async ({
  page,
}) => {
  await setScript({ reasoning: "Short thought.", text: "Short answer.", format: "openai" });
  const chat = new ChatPage(page);
  await chat.goto("/");
  await page.getByRole("button", { name: "Settings", exact: true }).click();
  const effort = page.getByRole("combobox", { name: "Reasoning effort" });

  await pickModel(page, STREAMING_REASONER);
  await expect(effort).toHaveCount(0);
  await pickModel(page, TAKES_EFFORT);
  await expect(effort).toHaveValue("medium");
  await effort.selectOption("high");
  await chat.send("Think hard about this.");
  await chat.waitForAnswer();
  expect((await lastRequest())?.inputs).toMatchObject({ reasoning_effort: "high" });

  await page.reload();
  await expect(chat.lastAnswer()).toContainText("Short answer.");
  await page.getByRole("button", { name: "Settings", exact: true }).click();
  await expect(page.getByRole("combobox", { name: "Reasoning effort" })).toHaveValue("high");
});
