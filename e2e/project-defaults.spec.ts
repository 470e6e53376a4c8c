import AxeBuilder from "@axe-core/playwright";
import { expect, type Page, test } from "@playwright/test";
import { ChatPage } from "./pages/ChatPage";
import { ProjectDefaults } from "./pages/ProjectDefaults";
import { lastRequest, offeredToolNames, setScript } from "./support/fake-control";

// A project's default model and tools, and "New chat in <project>" as a draft, against the scripted
// fake Workers AI (TEST DOUBLE, e2e/support/fake-workers-ai.ts): what the model was sent is read back
// from it. No title is scripted, so conversations keep their first words as titles.

const LOADED = { timeout: 60_000 };
const GLM = "@cf/zai-org/glm-4.7-flash";

async function conversationIds(page: Page): Promise<string[]> {
  const body = (await (await page.request.get("/api/conversations")).json()) as { conversations: { id: string }[] };
  return body.conversations.map((c) => c.id);
}

async function expectNoSeriousViolations(page: Page, selector: string) {
  const results = await new AxeBuilder({ page }).include(selector).analyze();
  const serious = results.violations.filter((v) => v.impact === "serious" || v.impact === "critical");
  expect(serious.map((v) => `${v.id}: ${v.nodes.map((n) => n.target.join(" ")).join(", ")}`)).toEqual([]);
}

test("a project's tools: picked in its dialog, preselected in a new chat in it, changeable per chat", async ({ page }) => {
  test.setTimeout(180_000);
  const chat = new ChatPage(page);
  const projects = new ProjectDefaults(page);
  await chat.goto("/");

  await projects.sidebar.getByRole("button", { name: "New project" }).click();
  const dialog = projects.dialog("New project");
  await dialog.getByRole("textbox", { name: "Name" }).fill("Maths");
  await dialog.getByRole("textbox", { name: "Instructions" }).fill("Show your working.");
  await dialog.getByRole("combobox", { name: "Model for new chats" }).selectOption(GLM);
  // Every tool is on until the person picks, as in a chat's Tools panel.
  await expect(projects.tool(projects.tools(dialog), "Calculator")).toBeChecked();
  await expect(projects.tool(projects.tools(dialog), "Date and time")).toBeChecked();
  await projects.keepOnlyTools(dialog, ["Calculator"]);
  await expect(projects.tool(projects.tools(dialog), "Date and time")).not.toBeChecked();
  await expectNoSeriousViolations(page, "dialog[open]");
  await dialog.getByRole("button", { name: "Create project" }).click();
  await expect(dialog).toBeHidden();

  // A new chat in it starts with its model and only its tools.
  await projects.newChatIn("Maths");
  await expect(page.getByRole("combobox", { name: "Model", exact: true })).toHaveValue(GLM);
  const panel = await projects.openChatTools();
  await expect(projects.tool(panel, "Calculator")).toBeChecked();
  await expect(projects.tool(panel, "Date and time")).not.toBeChecked();
  await page.keyboard.press("Escape");

  await setScript({ text: "It is 4." });
  await chat.send("What is 2+2?");
  await chat.waitForAnswer();
  await expect(page).toHaveURL(/\/c\/[A-Za-z0-9_-]+$/);
  const first = await lastRequest();
  expect(first?.model).toBe(GLM);
  expect(offeredToolNames(first)).toEqual(["calculate"]);
  expect(first?.inputs.messages?.find((m) => m.role === "system")?.content).toContain("Show your working.");
  await expect(projects.project("Maths").getByRole("link", { name: "What is 2+2?" })).toBeVisible(LOADED);

  // The person may change them for one chat; the project keeps its own.
  await projects.newChatIn("Maths");
  await projects.tool(await projects.openChatTools(), "Date and time").check();
  await page.keyboard.press("Escape");
  await setScript({ text: "Monday." });
  await chat.send("What day is it?");
  await chat.waitForAnswer();
  expect(offeredToolNames(await lastRequest()).sort()).toEqual(["calculate", "date_time"]);

  await projects.project("Maths").getByRole("button", { name: "Edit project Maths" }).click();
  const edit = projects.dialog("Edit Maths");
  await expect(edit.getByRole("combobox", { name: "Model for new chats" })).toHaveValue(GLM);
  await expect(projects.tool(projects.tools(edit), "Calculator")).toBeChecked();
  await expect(projects.tool(projects.tools(edit), "Date and time")).not.toBeChecked();
  await expectNoSeriousViolations(page, "dialog[open]");
  // Back to the default tools: the control says so.
  await edit.getByRole("button", { name: "Use the default tools" }).click();
  await expect(projects.tool(projects.tools(edit), "Date and time")).toBeChecked();
  await edit.getByRole("button", { name: "Save" }).click();
  await expect(edit).toBeHidden();
  await projects.newChatIn("Maths");
  await expect(projects.tool(await projects.openChatTools(), "Date and time")).toBeChecked();
});

test("New chat in a project is a draft: clicking it again and again leaves no empty conversation", async ({ page }) => {
  test.setTimeout(180_000);
  const chat = new ChatPage(page);
  const projects = new ProjectDefaults(page);
  await chat.goto("/");
  await projects.sidebar.getByRole("button", { name: "New project" }).click();
  const dialog = projects.dialog("New project");
  await dialog.getByRole("textbox", { name: "Name" }).fill("Drafts");
  await dialog.getByRole("button", { name: "Create project" }).click();
  await expect(projects.project("Drafts")).toBeVisible(LOADED);
  const before = await conversationIds(page);

  for (let i = 0; i < 3; i++) await projects.newChatIn("Drafts");
  await projects.sidebar.getByRole("link", { name: "New chat", exact: true }).click();
  await expect(page).toHaveURL(/\/$/);
  await expect(page.getByText("New chat in Drafts:")).toBeHidden();
  await projects.newChatIn("Drafts");
  expect(await conversationIds(page)).toEqual(before);
  await expect(projects.project("Drafts").getByRole("link")).toHaveCount(0);

  // The first message makes it, in the project.
  await setScript({ text: "Noted." });
  await chat.send("Only this one");
  await chat.waitForAnswer();
  await expect(projects.project("Drafts").getByRole("link", { name: "Only this one" })).toBeVisible(LOADED);
  expect((await conversationIds(page)).length).toBe(before.length + 1);

  // A project deleted while its draft is open: the message is refused in words and nothing is saved.
  const projectId = await projects.newChatIn("Drafts");
  const deleted = await page.request.delete(`/api/projects/${projectId}?conversations=keep`);
  expect(deleted.status()).toBe(204);
  await chat.send("Too late");
  await expect(page.getByRole("alert").filter({ hasText: "That project does not exist" })).toBeVisible(LOADED);
  await page.reload();
  expect((await conversationIds(page)).length).toBe(before.length + 1);
});
