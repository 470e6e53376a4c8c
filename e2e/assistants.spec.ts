import AxeBuilder from "@axe-core/playwright";
import { expect, test } from "@playwright/test";
import { ChatPage } from "./pages/ChatPage";
import { AssistantsPage } from "./pages/AssistantsPage";
import { conversationIdOf, lastRequest, offeredToolNames, setScript } from "./support/fake-control";

// Assistants (issue 25) in a real browser against the real Worker; the model is the scripted fake
// Workers AI (TEST DOUBLE, e2e/support/fake-workers-ai.ts), which records what each chat call was sent.

const GLM = "@cf/zai-org/glm-4.7-flash";

function unique(prefix: string): string {
  return `${prefix} ${Math.random().toString(36).slice(2, 8)}`;
}

test.describe.configure({ timeout: 120_000 });

test("an assistant made here starts a chat with its model, instructions, temperature and tools, lists that chat, and can be edited", async ({
  page,
}) => {
  const assistants = new AssistantsPage(page);
  const name = unique("Haiku poet");
  await assistants.goto();

  await page.getByRole("button", { name: "New assistant" }).click();
  const form = assistants.form("New assistant");
  await assistants.fill(form, { name, model: GLM, instructions: "Answer only in haiku.", temperature: 1.3, tools: ["Calculator"] });
  await form.getByRole("button", { name: "Create assistant" }).click();
  await expect(assistants.status).toHaveText(`Created ${name}.`);
  const card = assistants.card(name);
  await expect(card).toContainText("GLM 4.7 Flash");
  await expect(card).toContainText("Calculator");

  const axe = await new AxeBuilder({ page }).include("main").analyze();
  expect(axe.violations.filter((v) => v.impact === "serious" || v.impact === "critical")).toEqual([]);

  await card.getByRole("link", { name: "Start chat" }).click();
  const chat = new ChatPage(page);
  await expect(chat.composer).toBeVisible();
  // The new chat shows the assistant's settings before anything is sent.
  await expect(page.getByLabel("Model", { exact: true })).toHaveValue(GLM);
  await page.getByRole("button", { name: "Settings", exact: true }).click();
  await expect(page.getByLabel("System prompt")).toHaveValue("Answer only in haiku.");

  await setScript({ text: "Rain on the tin roof." });
  await chat.send("Write about rain");
  await expect(page).toHaveURL(/\/c\/[A-Za-z0-9_-]{22}$/);
  // The answer on screen, not only Send back: Send shows until the request starts, too.
  await expect(chat.lastAnswer()).toContainText("Rain on the tin roof.", { timeout: 60_000 });
  await chat.waitForAnswer();
  const conversationId = conversationIdOf(page);
  const sent = await lastRequest();
  expect(sent?.model).toBe(GLM);
  expect(sent?.inputs.temperature).toBe(1.3);
  expect(sent?.inputs.messages?.[0]).toMatchObject({ role: "system", content: expect.stringContaining("Answer only in haiku.") });
  expect(offeredToolNames(sent)).toEqual(["calculate"]);

  // The assistant lists the chat started from it.
  await assistants.goto();
  await assistants.card(name).getByRole("button", { name: "Chats" }).click();
  const chats = assistants.card(name).getByRole("list", { name: `Chats with ${name}` });
  await expect(chats.getByRole("link")).toHaveCount(1);
  await expect(chats.getByRole("link")).toHaveAttribute("href", `/c/${conversationId}`);

  // Edited in place (it is the person's own).
  await assistants.card(name).getByRole("button", { name: "Edit", exact: true }).click();
  const edit = assistants.form(`Edit ${name}`);
  await expect(edit.getByLabel("Instructions")).toHaveValue("Answer only in haiku.");
  await assistants.fill(edit, { temperature: 0.4 });
  await edit.getByRole("button", { name: "Save changes" }).click();
  await expect(assistants.status).toHaveText(`Saved ${name}.`);
  await expect(assistants.card(name)).toContainText("0.4");
});

test("a built-in assistant is edited as a copy: the copy is the person's own, the built-in stays as it was", async ({ page }) => {
  const assistants = new AssistantsPage(page);
  await assistants.goto();
  const translator = assistants.card("Translator");
  await expect(translator.getByRole("button", { name: "Edit", exact: true })).toHaveCount(0);
  await expect(translator.getByRole("button", { name: "Delete" })).toHaveCount(0);

  await translator.getByRole("button", { name: "Edit as a copy" }).click();
  const form = assistants.form("Copy of Translator");
  await expect(form.getByLabel("Name")).toHaveValue("Translator (copy)");
  await expect(form.getByLabel("Instructions")).toHaveValue(/You are a translator/);
  const axe = await new AxeBuilder({ page }).include("main").analyze();
  expect(axe.violations.filter((v) => v.impact === "serious" || v.impact === "critical")).toEqual([]);

  const name = unique("To French");
  await assistants.fill(form, { name, instructions: "Translate everything into French." });
  await form.getByRole("button", { name: "Create assistant" }).click();
  await expect(assistants.status).toHaveText(`Created ${name}.`);
  await expect(page.getByRole("list", { name: "Your assistants" }).getByRole("region", { name })).toBeVisible();
  await expect(page.getByRole("list", { name: "Built-in assistants" }).getByRole("region", { name: "Translator" })).toBeVisible();

  // The copy starts chats with its own instructions, not the built-in's.
  await setScript({ text: "Bonjour." });
  await assistants.card(name).getByRole("link", { name: "Start chat" }).click();
  const chat = new ChatPage(page);
  await page.getByRole("button", { name: "Settings", exact: true }).click();
  await expect(page.getByLabel("System prompt")).toHaveValue("Translate everything into French.");
  await chat.send("Good morning");
  await expect(chat.lastAnswer()).toContainText("Bonjour.", { timeout: 60_000 });
  await chat.waitForAnswer();
  expect((await lastRequest())?.inputs.messages?.[0]).toMatchObject({
    role: "system",
    content: expect.stringContaining("Translate everything into French."),
  });

  // Deleting the copy asks first, and leaves the built-in.
  await assistants.goto();
  await assistants.card(name).getByRole("button", { name: "Delete" }).click();
  await page
    .getByRole("dialog", { name: `Delete ${name}?` })
    .getByRole("button", { name: "Delete" })
    .click();
  await expect(assistants.status).toHaveText(`Deleted ${name}.`);
  await expect(assistants.card(name)).toHaveCount(0);
  await expect(assistants.card("Translator")).toBeVisible();
});
