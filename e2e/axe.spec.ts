import AxeBuilder from "@axe-core/playwright";
import { expect, test, type Page } from "@playwright/test";
import { becomeOwner } from "./support/owner";
import { ChatPage } from "./pages/ChatPage";
import { dropFile } from "./pages/drop-file";
import { setScript } from "./support/fake-control";

// Accessibility of every page as a person reaches it, checked by axe-core: no serious or critical
// violation in light and dark, at a desktop and a phone width. Runs in the "fake" project: the
// scripted fake Workers AI (TEST DOUBLE, e2e/support/fake-workers-ai.ts) gives a real-looking markdown
// answer (code, a table, a list), an image, a vision answer and embeddings, and its stack's owner
// setup token is unused, so the owner's Usage page can be reached too.

const THEMES = ["light", "dark"] as const;
const WIDTHS = [
  { name: "desktop", width: 1280, height: 800 },
  { name: "phone", width: 390, height: 844 },
] as const;
const FAILING_IMPACTS = new Set(["serious", "critical"]);
// A page's data arrives slowly when the shared 2-core machine is busy (a load average of 20 was seen).
const LOADED = { timeout: 60_000 };

const ANSWER = [
  "Use Node's `readline` module with a file stream: it hands you **one line at a time**, see [the docs](https://nodejs.org/api/readline.html).",
  "",
  "```ts",
  'import { createReadStream } from "node:fs";',
  'const lines = createInterface({ input: createReadStream("notes.txt") });',
  "for await (const line of lines) console.log(line);",
  "```",
  "",
  "| approach | memory |",
  "|---|---|",
  "| `readline` | one line |",
  "| `readFile` | whole file |",
  "",
  "> A quoted note.",
  "",
  "- `crlfDelay: Infinity` treats `\\r\\n` as one line break.",
].join("\n");

function unique(prefix: string): string {
  return `${prefix} ${Math.random().toString(36).slice(2, 8)}`;
}

/** Waits for finite animations and transitions (streamed words fading in, colours after a theme switch). */
async function settle(page: Page) {
  await page.evaluate(async () => {
    await new Promise((r) => requestAnimationFrame(() => requestAnimationFrame(r)));
    const finite = document.getAnimations().filter((a) => a.effect?.getComputedTiming().iterations !== Number.POSITIVE_INFINITY);
    await Promise.all(finite.map((a) => a.finished.catch(() => undefined)));
  });
}

/**
 * The theme as a reload would pick it with no saved choice: app/shell/theme-init.js reads
 * prefers-color-scheme once, before first paint, and sets `.dark` on <html>; nothing else in the app
 * reads the scheme. Applying it in place keeps the page's state (an open dialog, an answer) for all
 * four checks.
 */
async function useTheme(page: Page, theme: (typeof THEMES)[number]) {
  await page.emulateMedia({ colorScheme: theme });
  await page.evaluate(() => document.documentElement.classList.toggle("dark", matchMedia("(prefers-color-scheme: dark)").matches));
}

/** Checks the page as it is now in every theme and width; fails listing each serious or critical violation. */
async function checkEverywhere(page: Page, state: string) {
  const found: string[] = [];
  for (const theme of THEMES) {
    await useTheme(page, theme);
    for (const viewport of WIDTHS) {
      await page.setViewportSize({ width: viewport.width, height: viewport.height });
      await settle(page);
      // Only violations are read: axe then keeps one example of each passing rule, not every node.
      const { violations } = await new AxeBuilder({ page }).options({ resultTypes: ["violations"] }).analyze();
      for (const v of violations.filter((v) => FAILING_IMPACTS.has(v.impact ?? ""))) {
        for (const node of v.nodes) {
          const detail = node.any[0]?.message ?? node.failureSummary?.split("\n")[1]?.trim() ?? "";
          found.push(`[${theme} ${viewport.name}] ${v.id} (${v.impact}) at ${node.target.join(" ")}: ${detail}`);
        }
      }
    }
  }
  await useTheme(page, "light");
  await page.setViewportSize({ width: WIDTHS[0].width, height: WIDTHS[0].height });
  expect(found, `${state}: ${found.length} serious or critical accessibility violations:\n  ${found.join("\n  ")}\n`).toEqual([]);
}

test.beforeEach(async ({ page }) => {
  await page.setViewportSize({ width: WIDTHS[0].width, height: WIDTHS[0].height });
});

test.afterEach(async () => {
  await setScript({ tokens: 40 });
});

test("chat with an answer and a document, its dialogs, the documents page, the data page and a shared link", async ({
  page,
  browser,
  context,
  baseURL,
}) => {
  // 24 axe scans; each took 8-18 s at a load average of 20 on the shared 2-core machine.
  test.setTimeout(600_000);
  await context.grantPermissions(["clipboard-read", "clipboard-write"], { origin: baseURL });
  await setScript({ text: ANSWER });
  const chat = new ChatPage(page);
  await chat.goto("/");
  await checkEverywhere(page, "chat, a new conversation");

  const chooser = page.waitForEvent("filechooser");
  await page.getByRole("button", { name: "Attach files" }).click();
  await (await chooser).setFiles({ name: "harbour-notes.txt", mimeType: "text/plain", buffer: Buffer.from("The ferry leaves at nine.") });
  await expect(page.getByRole("list", { name: "Attached documents" }).getByRole("status")).toHaveText("Ready", { timeout: 30_000 });
  const question = unique("How do I read a file line by line");
  await chat.send(question);
  await expect(page).toHaveURL(/\/c\/[A-Za-z0-9_-]{22}$/);
  await chat.waitForAnswer();
  await expect(chat.lastAnswer().getByRole("table")).toBeVisible();
  await expect(chat.lastAnswer().locator("pre")).toBeVisible();
  // Voice (issue 26): the composer's Dictate button and the answer's Read aloud are in these scans.
  await expect(page.getByRole("button", { name: "Dictate" })).toBeVisible();
  await expect(chat.lastAnswer().getByRole("button", { name: "Read aloud" })).toBeVisible();
  await checkEverywhere(page, "chat with an answer");
  await page.getByRole("button", { name: "Voice settings" }).click();
  await expect(page.getByRole("group", { name: "Voice settings" }).getByRole("combobox", { name: "Read-aloud voice" })).toBeEnabled();
  await checkEverywhere(page, "the voice settings");
  await page.getByRole("button", { name: "Voice settings" }).click();

  await chat.sidebar.getByRole("button", { name: `Delete ${question}` }).click();
  await expect(page.getByRole("dialog")).toBeVisible();
  await checkEverywhere(page, "the delete-conversation dialog");
  await page.getByRole("dialog").getByRole("button", { name: "Cancel" }).click();
  await expect(page.getByRole("dialog")).toBeHidden();

  await chat.sidebar.getByRole("button", { name: `Share or export ${question}` }).click();
  const share = page.getByRole("dialog");
  await share.getByRole("button", { name: "Create and copy link" }).click();
  const url = await share.getByRole("textbox", { name: "Share link" }).inputValue();
  await expect(share.getByRole("status").filter({ hasText: "Link copied." })).toBeVisible();
  await checkEverywhere(page, "the share-and-export dialog");
  await share.getByRole("button", { name: "Close" }).click();

  await page.getByRole("navigation", { name: "Main" }).getByRole("link", { name: "Documents" }).click();
  await expect(page.getByRole("row", { name: /harbour-notes\.txt/ })).toContainText("Ready", LOADED);
  await checkEverywhere(page, "documents");

  await page.goto("/data");
  await expect(page.getByRole("list", { name: "Shared links" }).getByRole("listitem", { name: question })).toBeVisible(LOADED);
  await checkEverywhere(page, "data (export, import, shared links)");

  const stranger = await browser.newContext();
  try {
    const visitor = await stranger.newPage();
    await visitor.goto(url);
    await expect(visitor.getByRole("heading", { level: 1, name: question })).toBeVisible(LOADED);
    await expect(visitor.getByRole("article", { name: "Assistant" }).getByRole("table")).toBeVisible();
    await checkEverywhere(visitor, "a shared link");
  } finally {
    await stranger.close();
  }
});

test("chat with a tool call and its result, an approval waiting, and the Tools control open", async ({ page }) => {
  test.setTimeout(360_000);
  await setScript({ toolCalls: [{ name: "calculate", arguments: { expression: "17 * 23" } }], text: "17 times 23 is **391**." });
  const chat = new ChatPage(page);
  await chat.goto("/");
  await chat.send(unique("What is 17 times 23"));
  const calculation = chat.lastAnswer().getByRole("group", { name: "Tool: Calculator" });
  await expect(chat.lastAnswer()).toContainText("17 times 23 is 391.", LOADED);
  await chat.waitForAnswer();
  await calculation.getByRole("button", { name: "Show result" }).click();
  await expect(calculation.getByRole("group", { name: "Calculator result" })).toBeVisible();

  await setScript({ toolCalls: [{ name: "generate_image", arguments: { prompt: "a lighthouse at dusk" } }], text: "Here it is." });
  await chat.send("Now draw a lighthouse");
  await expect(chat.lastAnswer().getByRole("button", { name: "Allow" })).toBeVisible(LOADED);
  await chat.waitForAnswer();
  await checkEverywhere(page, "chat with a tool result and an approval request");

  await page.getByRole("button", { name: /^Tools/ }).click();
  await expect(page.getByRole("region", { name: "Tools" })).toBeVisible();
  await checkEverywhere(page, "the Tools control open");
});

test("images with a result, and the image viewer open", async ({ page }) => {
  test.setTimeout(240_000);
  const prompt = unique("Mountains at sunset");
  await page.goto("/images");
  await page.getByLabel("Prompt", { exact: true }).fill(prompt);
  await page.getByLabel("Images", { exact: true }).selectOption("1");
  await page.getByRole("button", { name: "Generate" }).click();
  const results = page.getByRole("region", { name: "Results" });
  await expect(results.getByRole("article", { name: prompt }).locator("img")).toBeVisible({ timeout: 60_000 });
  await checkEverywhere(page, "images with a result");

  await results.getByRole("button", { name: `Open ${prompt}` }).click();
  await expect(page.getByRole("dialog", { name: prompt })).toBeVisible();
  await checkEverywhere(page, "the image viewer");
});

test("vision with a thread", async ({ page }) => {
  test.setTimeout(240_000);
  await setScript({ text: "A red square on nothing else: **one colour**, no shapes or text." });
  await page.goto("/vision");
  await checkEverywhere(page, "vision, no image yet");
  await dropFile(page, { kind: "red-png" });
  await page.getByRole("button", { name: "Describe this image" }).click();
  await expect(page.getByRole("article", { name: "Assistant" }).last()).toContainText("one colour", LOADED);
  await expect(page.getByRole("button", { name: "Ask" })).toBeVisible();
  await expect(page).toHaveURL(/\/vision\/[A-Za-z0-9_-]{22}$/);
  await checkEverywhere(page, "vision with a thread");
});

test("account as a guest and as the owner, and the owner's usage", async ({ page }) => {
  test.setTimeout(360_000);
  await page.goto("/account");
  await expect(page.getByRole("button", { name: "Create a passkey" })).toBeVisible(LOADED);
  await checkEverywhere(page, "account, a guest");

  // The stack's one owner (e2e/support/owner.ts): made here with a real passkey, or taken from the spec that made it.
  const { name } = await becomeOwner(page, unique("Ada"));
  await expect(page.getByRole("list", { name: "Passkeys" }).getByRole("listitem")).toHaveCount(1, LOADED);
  await checkEverywhere(page, "account, signed in as the owner");

  // Some spend today, so the usage page has rows.
  const chat = new ChatPage(page);
  await chat.startConversation(unique("Spend a little"));
  await page.goto("/usage");
  await expect(page.getByRole("heading", { name: "Usage", exact: true })).toBeVisible(LOADED);
  await expect(page.getByText(`${name} (account)`).first()).toBeVisible(LOADED);
  await checkEverywhere(page, "usage (the owner's)");
});
