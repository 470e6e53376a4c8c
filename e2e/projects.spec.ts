import AxeBuilder from "@axe-core/playwright";
import { expect, type Page, test } from "@playwright/test";
import { ChatPage } from "./pages/ChatPage";
import { ProjectsSidebar } from "./pages/ProjectsSidebar";
import { requestsSinceScript, setScript } from "./support/fake-control";

// Projects in the sidebar, against the scripted fake Workers AI (TEST DOUBLE,
// e2e/support/fake-workers-ai.ts): what the model is sent is read back from it. No title is scripted,
// so every conversation keeps its first words as its title.

const LOADED = { timeout: 60_000 };

/**
 * "New chat in <project>": a draft (/?project=<id>), as the main New chat is; its first message makes
 * the conversation in the project. Waited for until the page has read the project (the empty chat
 * names it), so the message typed next goes with the project's model and tools.
 */
async function openNewChatIn(page: Page, side: ProjectsSidebar, project: string) {
  await side
    .project(project)
    .getByRole("button", { name: `New chat in ${project}` })
    .click();
  await expect(page).toHaveURL(/\/\?project=[A-Za-z0-9_-]+$/);
  await expect(page.getByText(`New chat in ${project}:`)).toBeVisible(LOADED);
}

async function expectNoSeriousViolations(page: Page) {
  const results = await new AxeBuilder({ page }).analyze();
  const serious = results.violations.filter((v) => v.impact === "serious" || v.impact === "critical");
  expect(serious.map((v) => `${v.id}: ${v.nodes.map((n) => n.target.join(" ")).join(", ")}`)).toEqual([]);
}

test("projects: create, chat with its instructions, move by menu, keyboard and drag, pin, archive, delete", async ({ page }) => {
  const chat = new ChatPage(page);
  const side = new ProjectsSidebar(page);
  test.setTimeout(240_000); // one long walk through the feature, on a machine other tests share
  await setScript({ text: "Plant garlic in autumn." });
  for (const question of ["Loose question", "Keyboard question"]) {
    await chat.startConversation(question);
    // Saved before the next page load, which would cut a request still on its way.
    await expect(chat.conversationLink(question)).toBeVisible(LOADED);
  }

  await side.createProject("Garden", "Always answer as a gardener.");
  await expectNoSeriousViolations(page);

  // "New chat" in the project: the model is sent the project's instructions.
  await openNewChatIn(page, side, "Garden");
  await setScript({ text: "Plant garlic in autumn." });
  await chat.send("What should I plant?");
  await expect(chat.userMessages).toHaveCount(1);
  await chat.waitForAnswer();
  // The chat call that asked it (other calls, such as embeddings, may come after it).
  const sent = (await requestsSinceScript()).findLast((r) => JSON.stringify(r.inputs.messages ?? []).includes("What should I plant?"));
  const system = sent?.inputs.messages?.find((m) => m.role === "system")?.content;
  expect(system).toContain("Always answer as a gardener.");
  await expect(side.project("Garden").getByRole("link", { name: "What should I plant?" })).toBeVisible(LOADED);

  // Move by the menu, with the mouse.
  await side.menuPick("Loose question", "Move to Garden");
  await expect(side.project("Garden").getByRole("link", { name: "Loose question" })).toBeVisible(LOADED);

  // Move by the keyboard: the menu button, then arrows and Enter.
  await side.noProject.getByRole("button", { name: "More actions for Keyboard question" }).focus();
  await page.keyboard.press("Enter");
  const menu = side.sidebar.getByRole("menu", { name: "Actions for Keyboard question" });
  await expect(menu.getByRole("menuitem", { name: "Pin" })).toBeFocused();
  await expectNoSeriousViolations(page);
  await page.keyboard.press("End");
  await expect(menu.getByRole("menuitem", { name: "Move to Garden" })).toBeFocused();
  await page.keyboard.press("Enter");
  await expect(side.project("Garden").getByRole("link", { name: "Keyboard question" })).toBeVisible(LOADED);
  await expect(side.sidebar.getByRole("button", { name: "More actions for Keyboard question" })).toBeFocused();

  // Out again by drag and drop.
  await side.project("Garden").getByRole("link", { name: "Loose question" }).dragTo(side.noProject);
  await expect(side.noProject.getByRole("link", { name: "Loose question" })).toBeVisible(LOADED);

  // Pinned first in its project.
  await side.menuPick("Keyboard question", "Pin");
  await expect(side.project("Garden").getByRole("link").first()).toHaveAccessibleName("Pinned: Keyboard question", LOADED);

  // Archived: out of the list, in the Archived view, and search still finds it.
  await side.menuPick("Loose question", "Archive");
  await expect(chat.conversationLink("Loose question")).toBeHidden(LOADED);
  await side.sidebar.getByRole("button", { name: "Archived" }).click();
  await expect(side.sidebar.getByRole("region", { name: "Archived" }).getByRole("link", { name: "Loose question" })).toBeVisible(LOADED);
  await expectNoSeriousViolations(page);
  await side.sidebar.getByRole("button", { name: "Archived" }).click();
  await chat.search.fill("Loose");
  await expect(side.sidebar.getByRole("link", { name: /Loose question/ }).first()).toBeVisible(LOADED);
  await chat.search.fill("");

  // Deleting asks about its conversations: kept, they leave the project.
  await side.project("Garden").getByRole("button", { name: "Delete project Garden" }).click();
  const dialog = page.getByRole("dialog", { name: "Delete project “Garden”?" });
  await expect(dialog.getByRole("radio", { name: "Keep them, outside any project" })).toBeChecked();
  await expect(dialog.getByRole("radio", { name: /Delete them too/ })).toBeVisible();
  await expectNoSeriousViolations(page);
  await dialog.getByRole("button", { name: "Delete project" }).click();
  await expect(side.project("Garden")).toBeHidden(LOADED);
  await expect(chat.conversationLink("Pinned: Keyboard question")).toBeVisible(LOADED);
  await expect(chat.conversationLink("What should I plant?")).toBeVisible(LOADED);
});

test("deleting a project with its conversations removes them too", async ({ page }) => {
  const chat = new ChatPage(page);
  const side = new ProjectsSidebar(page);
  await setScript({ text: "Sure." });
  await chat.goto("/");
  await side.createProject("Scratch", "Be terse.");
  await openNewChatIn(page, side, "Scratch");
  await chat.send("Throwaway note");
  await expect(chat.userMessages).toHaveCount(1);
  await chat.waitForAnswer();
  await expect(side.project("Scratch").getByRole("link", { name: "Throwaway note" })).toBeVisible(LOADED);
  await side.project("Scratch").getByRole("button", { name: "Delete project Scratch" }).click();
  const dialog = page.getByRole("dialog", { name: "Delete project “Scratch”?" });
  await dialog.getByRole("radio", { name: /Delete them too/ }).check();
  await dialog.getByRole("button", { name: "Delete project" }).click();
  await expect(side.project("Scratch")).toBeHidden(LOADED);
  await expect(chat.conversationLink("Throwaway note")).toBeHidden(LOADED);
  await expect(page).toHaveURL(/\/$/);
});
