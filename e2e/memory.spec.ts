import { writeFile } from "node:fs/promises";
import AxeBuilder from "@axe-core/playwright";
import { expect, type Locator, test } from "@playwright/test";
import { ChatPage } from "./pages/ChatPage";
import { MemoryPage } from "./pages/MemoryPage";
import { conversationIdOf, lastRequest, offeredToolNames, setScript } from "./support/fake-control";

// Memory (issue 25), in a real browser against the real Worker and a fake Workers AI (TEST DOUBLE,
// e2e/support/fake-workers-ai.ts) whose script can make tool calls. Each test is a new guest.

test.afterEach(async () => {
  await setScript({ tokens: 40 });
});

/** The system prompt of the last chat call the fake received. */
async function lastSystemPrompt(): Promise<string> {
  const messages = (await lastRequest())?.inputs.messages ?? [];
  return messages
    .filter((m) => m.role === "system")
    .map((m) => String(m.content))
    .join("\n");
}

function proposal(answer: Locator): Locator {
  return answer.getByRole("group", { name: "Proposed memory" });
}

test("Settings → Memory: reached from the header; add, edit, delete, with errors in words", async ({ page }) => {
  const chat = new ChatPage(page);
  await chat.goto("/");
  const memory = new MemoryPage(page);
  // On a narrow window the header's settings links are in the Menu disclosure.
  const menu = page.getByRole("button", { name: "Menu" });
  if (await menu.isVisible()) await menu.click();
  await page.getByRole("link", { name: "Memory" }).click();
  await expect(memory.heading).toBeVisible();
  await expect(page.getByText("No memories yet.")).toBeVisible();

  await memory.add("Has a dog named Rex.");
  await memory.add("Prefers metric units.");
  await expect(memory.status).toHaveText("Memory added.");
  expect(await memory.texts()).toEqual(["Has a dog named Rex.", "Prefers metric units."]);

  // Edit in place: the field takes focus and holds the text; Save keeps the change.
  await memory.item("Has a dog named Rex.").getByRole("button", { name: "Edit: Has a dog named Rex." }).click();
  const field = page.getByRole("textbox", { name: "Edit memory" });
  await expect(field).toBeFocused();
  await expect(field).toHaveValue("Has a dog named Rex.");
  await field.fill("Has two dogs, Rex and Nell.");
  await page.getByRole("button", { name: "Save" }).click();
  await expect(memory.status).toHaveText("Memory saved.");
  await expect(memory.item("Has two dogs, Rex and Nell.")).toBeVisible();

  // Delete asks first; Cancel keeps it, Delete removes it.
  await memory.item("Prefers metric units.").getByRole("button", { name: "Delete: Prefers metric units." }).click();
  const dialog = page.getByRole("dialog", { name: "Delete this memory?" });
  await dialog.getByRole("button", { name: "Cancel" }).click();
  await expect(memory.item("Prefers metric units.")).toBeVisible();
  await memory.item("Prefers metric units.").getByRole("button", { name: "Delete: Prefers metric units." }).click();
  await dialog.getByRole("button", { name: "Delete" }).click();
  await expect(memory.status).toHaveText("Memory deleted.");
  await expect(memory.item("Prefers metric units.")).toHaveCount(0);

  // Kept by the Worker: a reload shows the same list.
  await page.reload();
  await expect(memory.item("Has two dogs, Rex and Nell.")).toBeVisible();
  expect(await memory.texts()).toEqual(["Has two dogs, Rex and Nell."]);

  // A memory that is too long is refused with the limit in words (the field caps typing; the API is the check).
  const response = await page.request.post("/api/memory", { data: { text: "x".repeat(501) } });
  expect(response.status()).toBe(400);
  expect(((await response.json()) as { error: { message: string } }).error.message).toMatch(/at most 500 characters/);
});

test("an answer that used memories says so, and lists them when opened; with memory off it uses none", async ({ page }) => {
  const memory = new MemoryPage(page);
  await memory.goto();
  await memory.add("Has a dog named Rex.");
  await memory.add("Is allergic to peanuts.");
  await memory.add("Works night shifts as a nurse.");

  await setScript({ text: "Carrots and plain rice are safe treats." });
  const chat = new ChatPage(page);
  await chat.goto("/");
  await chat.send("Which treats can my dog eat, without peanuts?");
  await chat.waitForAnswer();
  const answer = chat.lastAnswer();
  const used = answer.getByRole("button", { name: "Used 2 memories" });
  await expect(used).toHaveAttribute("aria-expanded", "false");
  const system = await lastSystemPrompt();
  expect(system).toContain("Has a dog named Rex.");
  expect(system).toContain("Is allergic to peanuts.");
  expect(system).not.toContain("nurse");

  await used.click();
  await expect(used).toHaveAttribute("aria-expanded", "true");
  const list = answer.getByRole("list", { name: "Memories this answer used" });
  // Best match first: the order is the ranking's, so only the set is checked here.
  await expect(list.getByRole("listitem")).toHaveCount(2);
  await expect(list.getByRole("listitem").filter({ hasText: "Has a dog named Rex." })).toHaveCount(1);
  await expect(list.getByRole("listitem").filter({ hasText: "Is allergic to peanuts." })).toHaveCount(1);

  // Saved with the answer: a reload shows it again.
  await page.reload();
  await expect(chat.lastAnswer().getByRole("button", { name: "Used 2 memories" })).toBeVisible();

  // Memory off: the next answer is given none, says nothing, and the model is not offered `remember`.
  await memory.goto();
  await memory.useMemory.uncheck();
  await expect(memory.status).toHaveText(/Memory is off/);
  await page.reload();
  await expect(memory.useMemory).not.toBeChecked();
  await chat.goto("/");
  await chat.send("Which treats can my dog eat?");
  await chat.waitForAnswer();
  await expect(chat.lastAnswer()).toContainText("Carrots");
  await expect(chat.lastAnswer().getByRole("button", { name: /Used \d+ memor/ })).toHaveCount(0);
  expect(await lastSystemPrompt()).not.toContain("Rex");
  expect(offeredToolNames(await lastRequest())).not.toContain("remember");
});

test("the remember tool proposes a memory: Keep adds it to Settings → Memory", async ({ page }) => {
  await setScript({
    toolCalls: [{ name: "remember", arguments: { memory: "Is vegetarian." } }],
    text: "Noted: vegetarian recipes from now on.",
  });
  const chat = new ChatPage(page);
  await chat.goto("/");
  await chat.send("I am vegetarian, by the way.");
  await chat.waitForAnswer();
  const card = proposal(chat.lastAnswer());
  await expect(card.getByRole("status")).toHaveText("Keep this memory?");
  await expect(card).toContainText("Is vegetarian.");
  expect(offeredToolNames(await lastRequest())).toContain("remember");

  // Nothing is remembered before the person decides.
  const memory = new MemoryPage(page);
  const before = (await (await page.request.get("/api/memory")).json()) as { memories: unknown[] };
  expect(before.memories).toEqual([]);

  await card.getByRole("button", { name: "Keep" }).click();
  await expect(card.getByRole("status")).toHaveText("Kept in your memories");
  await expect(chat.lastAnswer()).toContainText("Noted: vegetarian recipes from now on.");
  await chat.waitForAnswer();

  await memory.goto();
  expect(await memory.texts()).toEqual(["Is vegetarian."]);
});

test("the remember tool's Discard keeps nothing, and the model is told", async ({ page }) => {
  await setScript({
    toolCalls: [{ name: "remember", arguments: { memory: "Is vegetarian." } }],
    text: "All right, I will not remember that.",
  });
  const chat = new ChatPage(page);
  await chat.goto("/");
  await chat.send("I am vegetarian, by the way.");
  await chat.waitForAnswer();
  const card = proposal(chat.lastAnswer());
  await card.getByRole("button", { name: "Discard" }).click();
  await expect(card.getByRole("status")).toHaveText("Discarded");
  await expect(card.getByRole("button", { name: "Keep" })).toHaveCount(0);
  await expect(chat.lastAnswer()).toContainText("All right, I will not remember that.");
  await chat.waitForAnswer();

  const memory = new MemoryPage(page);
  await memory.goto();
  await expect(page.getByText("No memories yet.")).toBeVisible();
  await page.reload();
  await expect(page.getByText("No memories yet.")).toBeVisible();
});

test("Suggest memories: a small model proposes candidates from a conversation; only the kept one is remembered", async ({ page }) => {
  await setScript({ text: "Try a lentil curry." });
  const chat = new ChatPage(page);
  await chat.startConversation("I am vegetarian and I use metric units. Dinner ideas?");
  const id = conversationIdOf(page);

  await setScript({ text: "- Is vegetarian.\n- Prefers metric units." });
  const memory = new MemoryPage(page);
  await memory.goto();
  const section = page.getByRole("region", { name: "Suggest memories" });
  await expect(section.getByRole("combobox", { name: "Conversation" })).toHaveValue(id);
  await section.getByRole("button", { name: "Suggest memories" }).click();
  const suggested = section.getByRole("list", { name: "Suggested memories" });
  await expect(suggested.getByRole("listitem")).toHaveCount(2);
  // The small model read the person's words.
  expect(JSON.stringify((await lastRequest())?.inputs.messages)).toContain("I am vegetarian and I use metric units.");
  // Nothing is stored until the person keeps one.
  await expect(page.getByText("No memories yet.")).toBeVisible();

  await suggested.getByRole("button", { name: "Keep: Is vegetarian." }).click();
  await expect(memory.item("Is vegetarian.")).toBeVisible();
  await suggested.getByRole("button", { name: "Discard: Prefers metric units." }).click();
  await expect(suggested).toHaveCount(0);
  await page.reload();
  await expect(memory.item("Is vegetarian.")).toBeVisible();
  expect(await memory.texts()).toEqual(["Is vegetarian."]);
});

test("Suggest memories from a conversation's menu: candidates from that conversation only, each kept or discarded", async ({ page }) => {
  const chat = new ChatPage(page);
  await setScript({ text: "Lisbon is lovely." });
  await chat.startConversation("I live in Lisbon and cycle to work.");
  await setScript({ text: "Try a lentil curry." });
  await chat.startConversation("I am vegetarian and I use metric units. Dinner ideas?");
  const id = conversationIdOf(page);

  await setScript({ text: "- Is vegetarian.\n- Prefers metric units." });
  const sidebar = page.getByRole("navigation", { name: "Conversations" });
  const more = sidebar.getByRole("button", { name: /^More actions for I am vegetarian/ });
  await more.click();
  const asked = page.waitForRequest((r) => r.url().endsWith("/api/memory/suggest"));
  await sidebar
    .getByRole("menu", { name: /^Actions for I am vegetarian/ })
    .getByRole("menuitem", { name: "Suggest memories…" })
    .click();
  const dialog = page.getByRole("dialog", { name: "Suggest memories" });
  await expect(dialog).toBeVisible();
  // That conversation, and only the person's words in it.
  expect((await asked).postDataJSON()).toEqual({ conversationId: id });
  const suggested = dialog.getByRole("list", { name: "Suggested memories" });
  await expect(suggested.getByRole("listitem")).toHaveCount(2);
  const read = JSON.stringify((await lastRequest())?.inputs.messages);
  expect(read).toContain("I am vegetarian and I use metric units.");
  expect(read).not.toContain("Lisbon");
  expect(read).not.toContain("lentil");
  // Nothing is stored until the person keeps one.
  expect(((await (await page.request.get("/api/memory")).json()) as { memories: unknown[] }).memories).toEqual([]);

  const { violations } = await new AxeBuilder({ page }).options({ resultTypes: ["violations"] }).analyze();
  expect(violations.filter((v) => v.impact === "serious" || v.impact === "critical").map((v) => v.id)).toEqual([]);

  await suggested.getByRole("button", { name: "Keep: Is vegetarian." }).click();
  await expect(dialog.getByRole("status")).toHaveText("Kept “Is vegetarian.” in your memories.");
  await suggested.getByRole("button", { name: "Discard: Prefers metric units." }).click();
  await expect(suggested).toHaveCount(0);
  await dialog.getByRole("button", { name: "Done" }).click();
  await expect(dialog).toHaveCount(0);
  await expect(more).toBeFocused();

  const memory = new MemoryPage(page);
  await memory.goto();
  expect(await memory.texts()).toEqual(["Is vegetarian."]);
});

test("the all-data archive carries memories to another browser's import, with no conversation in it", async ({
  page,
  browser,
}, testInfo) => {
  const memory = new MemoryPage(page);
  await memory.goto();
  await memory.add("Has a dog named Rex.");
  await memory.add("Prefers metric units.");
  const archive = await page.request.get("/api/export");
  expect(archive.status()).toBe(200);
  const zipPath = testInfo.outputPath("workers-ai-chat.zip");
  await writeFile(zipPath, await archive.body());

  // Another browser is another guest: the import page reads the zip and restores what it holds.
  const other = await browser.newContext();
  try {
    const there = await other.newPage();
    await there.goto("/data");
    await there.getByLabel("File to import").setInputFiles(zipPath);
    await there.getByRole("button", { name: "Import", exact: true }).click();
    await expect(there.getByRole("status", { name: "Restored from the archive" })).toHaveText(
      "Restored from the archive: 2 of 2 memories.",
    );
    const { violations } = await new AxeBuilder({ page: there }).options({ resultTypes: ["violations"] }).analyze();
    expect(violations.filter((v) => v.impact === "serious" || v.impact === "critical").map((v) => v.id)).toEqual([]);
    const restored = new MemoryPage(there);
    await restored.goto();
    expect(await restored.texts()).toEqual(["Has a dog named Rex.", "Prefers metric units."]);
  } finally {
    await other.close();
  }
});

test("accessibility: Settings → Memory (list, edit form, delete dialog), a proposed memory and an answer's used memories", async ({
  page,
}) => {
  const check = async (state: string) => {
    const { violations } = await new AxeBuilder({ page }).options({ resultTypes: ["violations"] }).analyze();
    const serious = violations.filter((v) => v.impact === "serious" || v.impact === "critical");
    expect(
      serious.map((v) => `${v.id}: ${v.nodes.map((n) => n.target.join(" ")).join(", ")}`),
      state,
    ).toEqual([]);
  };
  const memory = new MemoryPage(page);
  await memory.goto();
  await memory.add("Has a dog named Rex.");
  await check("memory page with a memory");
  await memory.item("Has a dog named Rex.").getByRole("button", { name: "Edit: Has a dog named Rex." }).click();
  await check("editing a memory");
  await page.getByRole("button", { name: "Cancel" }).click();
  await memory.item("Has a dog named Rex.").getByRole("button", { name: "Delete: Has a dog named Rex." }).click();
  await expect(page.getByRole("dialog", { name: "Delete this memory?" })).toBeVisible();
  await check("the delete dialog");
  await page.getByRole("dialog").getByRole("button", { name: "Cancel" }).click();

  await setScript({ toolCalls: [{ name: "remember", arguments: { memory: "Walks Rex every morning." } }], text: "Noted." });
  const chat = new ChatPage(page);
  await chat.goto("/");
  await chat.send("My dog gets walked every morning.");
  await chat.waitForAnswer();
  await expect(chat.lastAnswer().getByRole("button", { name: "Used 1 memory" })).toBeVisible();
  await chat.lastAnswer().getByRole("button", { name: "Used 1 memory" }).click();
  await expect(proposal(chat.lastAnswer()).getByRole("button", { name: "Keep" })).toBeVisible();
  await check("an answer with used memories and a proposed memory");
});
