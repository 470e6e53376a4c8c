import { expect, test, type Locator, type Page } from "@playwright/test";
import { ChatPage } from "./pages/ChatPage";
import { conversationIdOf, requestsSinceScript, setScript, storedConversation, toolResultsIn } from "./support/fake-control";

// Tools in chat (issue 23), in a real browser against the real Worker and a fake Workers AI (TEST
// DOUBLE, e2e/support/fake-workers-ai.ts) whose script makes tool calls until the prompt holds their
// results, then answers with text. The default model (Llama 4 Scout) calls tools; the calculator runs
// without asking, generate_image asks first.

const PICTURE = "a red fox asleep in the snow";

test.afterEach(async () => {
  await setScript({ tokens: 40 });
});

function toolPart(answer: Locator, label: string): Locator {
  return answer.getByRole("group", { name: `Tool: ${label}` });
}

async function ask(page: Page, question: string): Promise<{ chat: ChatPage; answer: Locator }> {
  const chat = new ChatPage(page);
  await chat.goto("/");
  await chat.send(question);
  await expect(page).toHaveURL(/\/c\/[A-Za-z0-9_-]{22}$/);
  return { chat, answer: chat.lastAnswer() };
}

test("a calculation: the call and its input, the result sent back to the model, then the answer", async ({ page }) => {
  await setScript({ toolCalls: [{ name: "calculate", arguments: { expression: "17 * 23" } }], text: "17 times 23 is 391." });
  const { chat, answer } = await ask(page, "What is 17 times 23?");
  const call = toolPart(answer, "Calculator");
  await expect(call).toContainText("expression: 17 * 23");
  await expect(call.getByRole("status")).toHaveText("Done");
  await expect(answer).toContainText("17 times 23 is 391.");
  await chat.waitForAnswer();

  // The tool part sits before the text it led to.
  const callBox = (await call.boundingBox())!;
  const textBox = (await answer.getByText("17 times 23 is 391.").boundingBox())!;
  expect(callBox.y).toBeLessThan(textBox.y);

  // The result is collapsed until asked for.
  const show = call.getByRole("button", { name: "Show result" });
  await expect(show).toHaveAttribute("aria-expanded", "false");
  await expect(call.getByRole("group", { name: "Calculator result" })).toHaveCount(0);
  await show.click();
  await expect(call.getByRole("button", { name: "Hide result" })).toHaveAttribute("aria-expanded", "true");
  await expect(call.getByRole("group", { name: "Calculator result" })).toHaveText("391");

  const calls = await requestsSinceScript();
  expect(calls.length).toBeGreaterThanOrEqual(2);
  expect(toolResultsIn(calls.at(-1)).join("\n")).toContain("391");

  // Saved: the stored answer holds the call, and a reload shows the same part and answer.
  const stored = await storedConversation(page, conversationIdOf(page));
  expect(stored.messages.at(-1)?.parts.map((p) => p.type)).toContain("tool-calculate");
  await page.reload();
  await expect(toolPart(chat.lastAnswer(), "Calculator").getByRole("status")).toHaveText("Done");
  await expect(chat.lastAnswer()).toContainText("17 times 23 is 391.");
});

test("a tool that fails is shown as an error in words, the model is told, and the answer goes on", async ({ page }) => {
  await setScript({ toolCalls: [{ name: "calculate", arguments: { expression: "2 +* 3" } }], text: "That expression does not parse." });
  const { chat, answer } = await ask(page, "What is 2 +* 3?");
  const call = toolPart(answer, "Calculator");
  await expect(call.getByRole("status")).toHaveText("Failed");
  await expect(call).toContainText(/The tool failed: .+/);
  await expect(answer).toContainText("That expression does not parse.");
  await chat.waitForAnswer();
  await expect(answer).not.toContainText(/Failed: |Stopped|Interrupted/);
  const told = toolResultsIn((await requestsSinceScript()).at(-1)).join("\n");
  expect(told).toMatch(/expression/i);
});

test("generate_image asks first; Deny tells the model and nothing is drawn", async ({ page }) => {
  await setScript({ toolCalls: [{ name: "generate_image", arguments: { prompt: PICTURE } }], text: "Understood, no picture then." });
  const { chat, answer } = await ask(page, "Draw me a fox");
  const call = toolPart(answer, "Generate image");
  await expect(call.getByRole("status")).toHaveText("Waiting for approval");
  await expect(call).toContainText("It spends neurons from your budget");
  await expect(call).toContainText(`prompt: ${PICTURE}`);
  await chat.waitForAnswer();

  await call.getByRole("button", { name: "Deny" }).click();
  await expect(call.getByRole("status")).toHaveText("Denied");
  await expect(call.getByRole("button", { name: "Allow" })).toHaveCount(0);
  await expect(answer).toContainText("Understood, no picture then.");
  await chat.waitForAnswer();
  await expect(call.getByRole("img")).toHaveCount(0);
  expect(toolResultsIn((await requestsSinceScript()).at(-1)).join("\n")).toMatch(/denied/i);

  await page.reload();
  await expect(toolPart(chat.lastAnswer(), "Generate image").getByRole("status")).toHaveText("Denied");
});

test("Allow: the image appears in the answer and in the gallery", async ({ page }) => {
  await setScript({ toolCalls: [{ name: "generate_image", arguments: { prompt: PICTURE } }], text: "Here is your fox." });
  const { chat, answer } = await ask(page, "Draw me a fox");
  const call = toolPart(answer, "Generate image");
  await chat.waitForAnswer();
  await call.getByRole("button", { name: "Allow" }).click();
  const image = call.getByRole("img", { name: `Generated image: ${PICTURE}` });
  await expect(image).toBeVisible();
  await expect.poll(() => image.evaluate((img: HTMLImageElement) => img.complete && img.naturalWidth > 0)).toBe(true);
  await expect(answer).toContainText("Here is your fox.");
  await chat.waitForAnswer();
  // One answer: the allowed call carried on the same message, not a second one.
  await expect(chat.assistantMessages).toHaveCount(1);
  await expect(answer.getByRole("group", { name: "Tool: Generate image" })).toHaveCount(1);

  await page.goto("/images");
  await expect(page.getByRole("article", { name: PICTURE }).first()).toBeVisible();
});

test("Always allow this tool in this conversation: the next call runs without asking", async ({ page }) => {
  await setScript({ toolCalls: [{ name: "generate_image", arguments: { prompt: PICTURE } }], text: "Here is your fox." });
  const { chat, answer } = await ask(page, "Draw me a fox");
  const call = toolPart(answer, "Generate image");
  await chat.waitForAnswer();
  await call.getByRole("checkbox", { name: "Always allow this tool in this conversation" }).check();
  await call.getByRole("button", { name: "Allow" }).click();
  await expect(call.getByRole("img")).toBeVisible();
  await chat.waitForAnswer();
  const id = conversationIdOf(page);
  await expect
    .poll(
      async () =>
        ((await (await page.request.get(`/api/conversations/${id}`)).json()) as { conversation: { settings: { alwaysAllow?: string[] } } })
          .conversation.settings.alwaysAllow,
    )
    .toEqual(["generate_image"]);

  // Also after a reload: the setting came back from the server, not from this page's memory.
  await page.reload();
  await chat.send("Another one, please");
  const next = toolPart(chat.lastAnswer(), "Generate image");
  await expect(next.getByRole("img")).toBeVisible();
  await expect(next.getByRole("button", { name: "Allow" })).toHaveCount(0);
  await chat.waitForAnswer();
  await expect(chat.assistantMessages).toHaveCount(2);
});

test("a reload while an approval is pending keeps the request; Allow then still works", async ({ page }) => {
  await setScript({ toolCalls: [{ name: "generate_image", arguments: { prompt: PICTURE } }], text: "Here is your fox." });
  const { chat, answer } = await ask(page, "Draw me a fox");
  await expect(toolPart(answer, "Generate image").getByRole("button", { name: "Allow" })).toBeVisible();
  await chat.waitForAnswer();

  await page.reload();
  const call = toolPart(chat.lastAnswer(), "Generate image");
  await expect(call.getByRole("status")).toHaveText("Waiting for approval");
  await call.getByRole("button", { name: "Allow" }).click();
  await expect(call.getByRole("img")).toBeVisible();
  await expect(chat.lastAnswer()).toContainText("Here is your fox.");
  await chat.waitForAnswer();
  await expect(chat.assistantMessages).toHaveCount(1);
});

test("a reload while a later step runs rejoins it: the finished call and the text growing after it", async ({ page }) => {
  await setScript({ toolCalls: [{ name: "calculate", arguments: { expression: "2^10" } }], tokens: 60, fault: "drip", dripMs: 100 });
  const { chat, answer } = await ask(page, "What is 2 to the 10th?");
  await expect(answer).toContainText("w3");
  await page.reload();
  const rejoined = chat.lastAnswer();
  await expect(toolPart(rejoined, "Calculator").getByRole("status")).toHaveText("Done");
  await expect(rejoined).toContainText("w59", { timeout: 30_000 });
  await chat.waitForAnswer();
  await expect(rejoined.getByRole("group", { name: "Tool: Calculator" })).toHaveCount(1);
  await expect(rejoined).not.toContainText(/Failed: |Interrupted/);
});

test("the Tools control: off for a model without tools, with the reason; a tool switched off is not offered", async ({ page }) => {
  const chat = new ChatPage(page);
  await chat.goto("/");
  const tools = page.getByRole("button", { name: /^Tools/ });
  await page.getByRole("combobox", { name: "Model", exact: true }).selectOption("@cf/meta/llama-3.2-1b-instruct");
  await expect(tools).toHaveAccessibleDescription("Llama 3.2 1B cannot use tools");
  await tools.click();
  const panel = page.getByRole("region", { name: "Tools" });
  await expect(panel.getByRole("checkbox", { name: "Calculator" })).toBeDisabled();
  await page.keyboard.press("Escape");
  await expect(panel).toBeHidden();
  await expect(tools).toBeFocused();

  await page.getByRole("combobox", { name: "Model", exact: true }).selectOption("@cf/meta/llama-4-scout-17b-16e-instruct");
  await expect(tools).not.toHaveAccessibleDescription(/cannot/);
  await tools.click();
  await expect(tools).toHaveAttribute("aria-expanded", "true");
  await panel.getByRole("checkbox", { name: "Calculator" }).uncheck();
  await panel.getByRole("spinbutton", { name: "Model calls per answer" }).fill("3");
  await tools.click();

  await setScript({ text: "No tools needed." });
  await chat.send("Hello");
  await expect(chat.lastAnswer()).toContainText("No tools needed.");
  await chat.waitForAnswer();
  const [first] = await requestsSinceScript();
  const offered = (first?.inputs.tools ?? []).map((t) => (t as { function?: { name?: string } }).function?.name);
  expect(offered).toContain("generate_image");
  expect(offered).not.toContain("calculate");
  const id = conversationIdOf(page);
  const saved = (
    (await (await page.request.get(`/api/conversations/${id}`)).json()) as { conversation: { settings: Record<string, unknown> } }
  ).conversation.settings;
  expect(saved.maxSteps).toBe(3);
  expect(saved.tools).not.toContain("calculate");
});
