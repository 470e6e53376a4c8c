import { expect, type Locator, type Page, test } from "@playwright/test";
import { ChatPage } from "./pages/ChatPage";

// Driven from the keyboard, as a person without a mouse (or with a screen reader) would: the theme
// toggle, the phone's conversations drawer, focus coming back after every dialog, and one whole
// path through a conversation (type, send, stop, regenerate, switch versions) with no click at all.
// Also what a screen reader hears while an answer streams: a sentence when it starts and when it
// ends, never the tokens themselves.

// Whole paths on a busy 2-core machine, a key at a time: a hang detector, not a speed check.
test.describe.configure({ timeout: 180_000 });

function unique(prefix: string): string {
  return `${prefix} ${Math.random().toString(36).slice(2, 8)}`;
}

/** Presses Tab (or Shift+Tab) until `target` has the focus: proves it can be reached by keyboard. */
async function tabTo(page: Page, target: Locator, { backward = false, max = 80 } = {}) {
  for (let i = 0; i < max; i++) {
    if (await target.evaluate((el) => el === document.activeElement).catch(() => false)) return;
    await page.keyboard.press(backward ? "Shift+Tab" : "Tab");
  }
  await expect(target, `reached with ${max} presses of ${backward ? "Shift+Tab" : "Tab"}`).toBeFocused();
}

/**
 * Records, from before the page's scripts run, what the "Answer progress" live region says over time,
 * how many changes the message log saw, and every change the log saw inside a live region (the
 * nearest aria-live wins; log, status, alert, marquee and timer are live by their role).
 */
async function recordAnnouncements(page: Page) {
  await page.addInitScript(() => {
    const w = window as unknown as { __said: string[]; __logChanges: number; __liveChanges: string[] };
    w.__said = [];
    w.__logChanges = 0;
    w.__liveChanges = [];
    const liveAncestor = (node: Node): Element | null => {
      for (let el = node instanceof Element ? node : node.parentElement; el; el = el.parentElement) {
        const live = el.getAttribute("aria-live");
        if (live === "off") return null;
        if (live === "polite" || live === "assertive") return el;
        if (["log", "status", "alert", "marquee", "timer"].includes(el.getAttribute("role") ?? "")) return el;
      }
      return null;
    };
    new MutationObserver((mutations) => {
      const said = document.querySelector('[aria-label="Answer progress"]')?.textContent ?? "";
      if (said !== (w.__said.at(-1) ?? "")) w.__said.push(said);
      for (const m of mutations) {
        const target = m.target instanceof Element ? m.target : m.target.parentElement;
        if (!target?.closest('[role="log"]')) continue;
        w.__logChanges++;
        const live = liveAncestor(m.target);
        if (live) w.__liveChanges.push(`${live.tagName} role=${live.getAttribute("role")} aria-live=${live.getAttribute("aria-live")}`);
      }
    }).observe(document, { subtree: true, childList: true, characterData: true });
  });
  return () =>
    page.evaluate(() => {
      const w = window as unknown as { __said: string[]; __logChanges: number; __liveChanges: string[] };
      return { said: w.__said.filter(Boolean), logChanges: w.__logChanges, liveChanges: [...new Set(w.__liveChanges)] };
    });
}

test("screen readers hear when an answer starts and when it ends, not every token", async ({ page }) => {
  const heard = await recordAnnouncements(page);
  const chat = new ChatPage(page);
  await chat.goto("/");
  const region = page.getByRole("status", { name: "Answer progress" });
  await expect(region).toHaveAttribute("aria-label", "Answer progress");
  await chat.send(unique("Announce me"));
  await chat.waitForAnswer();
  await expect(region).toHaveText("Answer finished.");

  const { said, logChanges, liveChanges } = await heard();
  expect(said).toEqual(["Answer started.", "Answer finished."]);
  // The answer streamed into the log (many changes), and none of them inside a live region.
  expect(logChanges).toBeGreaterThan(5);
  expect(liveChanges).toEqual([]);
  await expect(chat.log).toHaveAttribute("aria-live", "off");
});

test("the theme toggle changes the theme, says which is on, and the choice survives a reload", async ({ page }) => {
  await page.emulateMedia({ colorScheme: "light" });
  await page.goto("/");
  const html = page.locator("html");
  const toggle = page.getByRole("button", { name: "Toggle theme" });
  await expect(html).not.toHaveClass(/\bdark\b/);
  await expect(toggle).toHaveAttribute("aria-pressed", "false");
  const lightBackground = await page.evaluate(() => getComputedStyle(document.body).backgroundColor);

  await tabTo(page, toggle);
  await page.keyboard.press("Enter");
  await expect(html).toHaveClass(/\bdark\b/);
  await expect(toggle).toHaveAttribute("aria-pressed", "true");
  expect(await page.evaluate(() => getComputedStyle(document.body).backgroundColor)).not.toBe(lightBackground);

  await page.reload();
  await expect(html).toHaveClass(/\bdark\b/);
  await expect(page.getByRole("button", { name: "Toggle theme" })).toHaveAttribute("aria-pressed", "true");

  await page.getByRole("button", { name: "Toggle theme" }).press("Space");
  await expect(html).not.toHaveClass(/\bdark\b/);
  await page.reload();
  await expect(html).not.toHaveClass(/\bdark\b/);
  await expect(page.getByRole("button", { name: "Toggle theme" })).toHaveAttribute("aria-pressed", "false");
});

test.describe("on a phone", () => {
  test.use({ viewport: { width: 390, height: 780 } });

  test("the conversations drawer takes the focus, keeps Tab inside, and Escape gives it back to its opener", async ({ page }) => {
    const chat = new ChatPage(page);
    await chat.startConversation(unique("Drawer"));
    const opener = page.getByRole("button", { name: "Conversations", exact: true });
    await expect(chat.sidebar).toBeHidden();
    await expect(opener).toHaveAttribute("aria-expanded", "false");

    await tabTo(page, opener);
    await page.keyboard.press("Enter");
    await expect(chat.sidebar).toBeVisible();
    await expect(opener).toHaveAttribute("aria-expanded", "true");
    // Focus moved into the drawer, on its first control.
    await expect(chat.sidebar.getByRole("link", { name: "New chat" })).toBeFocused();

    // Tab and Shift+Tab go round inside it, never to the page behind.
    const inside = () => page.evaluate(() => !!document.activeElement?.closest("#conversations"));
    for (let i = 0; i < 12; i++) {
      await page.keyboard.press("Tab");
      expect(await inside(), `after ${i + 1} Tab presses`).toBe(true);
    }
    for (let i = 0; i < 12; i++) {
      await page.keyboard.press("Shift+Tab");
      expect(await inside(), `after ${i + 1} Shift+Tab presses`).toBe(true);
    }

    await page.keyboard.press("Escape");
    await expect(chat.sidebar).toBeHidden();
    await expect(opener).toBeFocused();
    await expect(opener).toHaveAttribute("aria-expanded", "false");

    // Its close button does the same.
    await page.keyboard.press("Enter");
    await expect(chat.sidebar).toBeVisible();
    await tabTo(page, chat.sidebar.getByRole("button", { name: "Close conversations" }));
    await page.keyboard.press("Enter");
    await expect(chat.sidebar).toBeHidden();
    await expect(opener).toBeFocused();
  });
});

test("focus comes back to what opened each conversation dialog, and to Rename after renaming", async ({ page, context, baseURL }) => {
  await context.grantPermissions(["clipboard-read", "clipboard-write"], { origin: baseURL });
  const chat = new ChatPage(page);
  const title = unique("Dialogs");
  await chat.startConversation(title);
  const dialog = page.getByRole("dialog");

  // Delete, cancelled with Escape and with the Cancel button.
  const del = chat.sidebar.getByRole("button", { name: `Delete ${title}` });
  await tabTo(page, del);
  await page.keyboard.press("Enter");
  await expect(dialog).toBeVisible();
  await expect(dialog.getByRole("button", { name: "Cancel" })).toBeFocused();
  await page.keyboard.press("Escape");
  await expect(dialog).toBeHidden();
  await expect(del).toBeFocused();
  await page.keyboard.press("Enter");
  await expect(dialog).toBeVisible();
  await page.keyboard.press("Enter"); // on Cancel
  await expect(dialog).toBeHidden();
  await expect(del).toBeFocused();

  // Share or export, closed with Escape and with its Close button.
  const share = chat.sidebar.getByRole("button", { name: `Share or export ${title}` });
  await tabTo(page, share, { backward: true });
  await page.keyboard.press("Enter");
  await expect(dialog).toBeVisible();
  await page.keyboard.press("Escape");
  await expect(dialog).toBeHidden();
  await expect(share).toBeFocused();
  await page.keyboard.press("Enter");
  await expect(dialog).toBeVisible();
  await tabTo(page, dialog.getByRole("button", { name: "Close" }));
  await page.keyboard.press("Enter");
  await expect(dialog).toBeHidden();
  await expect(share).toBeFocused();

  // Rename: Escape drops the typed title, Enter keeps it; either way focus is back on Rename.
  const renameButton = (name: string) => chat.sidebar.getByRole("button", { name: `Rename ${name}` });
  await tabTo(page, renameButton(title), { backward: true });
  await page.keyboard.press("Enter");
  const field = chat.sidebar.getByRole("textbox", { name: `New title for ${title}` });
  await expect(field).toBeFocused();
  await page.keyboard.type("Dropped");
  await page.keyboard.press("Escape");
  await expect(renameButton(title)).toBeFocused();
  const renamed = unique("Renamed");
  await page.keyboard.press("Enter");
  await expect(field).toBeFocused();
  await page.keyboard.type(renamed);
  await page.keyboard.press("Enter");
  await expect(renameButton(renamed)).toBeFocused();

  // Deleting for real removes the button that had the focus: the keyboard stays in the list.
  await tabTo(page, chat.sidebar.getByRole("button", { name: `Delete ${renamed}` }));
  await page.keyboard.press("Enter");
  await tabTo(page, dialog.getByRole("button", { name: "Delete", exact: true }));
  await page.keyboard.press("Enter");
  await expect(chat.conversationLink(renamed)).toHaveCount(0);
  await expect(chat.search).toBeFocused();
});

test("focus comes back after the image viewer and the delete-image dialog", async ({ page }) => {
  const prompt = unique("A keyboard kite");
  await page.goto("/images");
  await page.getByLabel("Prompt", { exact: true }).fill(prompt);
  await page.getByLabel("Model", { exact: true }).selectOption({ label: "DreamShaper 8 LCM — Lykon" });
  await page.getByLabel("Steps", { exact: true }).fill("1");
  await page.getByLabel("Width", { exact: true }).fill("256");
  await page.getByLabel("Height", { exact: true }).fill("256");
  await page.getByLabel("Images", { exact: true }).selectOption("1");
  await page.getByLabel("Prompt", { exact: true }).press("Enter");
  const results = page.getByRole("region", { name: "Results" });
  const card = results.getByRole("article", { name: prompt });
  await expect(card).toHaveCount(1, { timeout: 60_000 });

  const open = card.getByRole("button", { name: `Open ${prompt}` });
  await tabTo(page, open, { backward: true });
  await page.keyboard.press("Enter");
  const viewer = page.getByRole("dialog", { name: prompt });
  await expect(viewer).toBeVisible();
  await page.keyboard.press("Escape");
  await expect(viewer).toBeHidden();
  await expect(open).toBeFocused();

  const del = card.getByRole("button", { name: "Delete" });
  await tabTo(page, del);
  await page.keyboard.press("Enter");
  const confirm = page.getByRole("dialog", { name: "Delete this image?" });
  await expect(confirm).toBeVisible();
  await page.keyboard.press("Escape");
  await expect(confirm).toBeHidden();
  await expect(del).toBeFocused();
  await page.keyboard.press("Enter");
  await page.keyboard.press("Enter"); // on Cancel
  await expect(confirm).toBeHidden();
  await expect(del).toBeFocused();
});

test("keyboard only: type, send with Enter, stop, regenerate and switch versions, with no click", async ({ page }) => {
  const heard = await recordAnnouncements(page);
  const chat = new ChatPage(page);
  await chat.goto("/");

  // A long answer (about 3 s here), so there is time to reach Stop: set from the keyboard as well, on
  // a model that takes no tools (their definitions would not leave the generated model room for it).
  await tabTo(page, page.getByRole("combobox", { name: "Model", exact: true }));
  await page.keyboard.type("Llama 3.2 1B");
  await expect(page.getByRole("combobox", { name: "Model", exact: true })).toHaveValue("@cf/meta/llama-3.2-1b-instruct");
  const settings = page.getByRole("button", { name: "Settings", exact: true });
  await tabTo(page, settings);
  await page.keyboard.press("Enter");
  const maxTokens = page.getByLabel("Max tokens");
  await tabTo(page, maxTokens);
  await page.keyboard.press("ControlOrMeta+A");
  await page.keyboard.type("4000"); // the generated model runs to max tokens; its context is 4096

  await tabTo(page, chat.composer);
  await page.keyboard.type(unique("Tell me a long story"));
  await page.keyboard.press("Enter");
  await expect(chat.userMessages).toHaveCount(1);
  await expect(chat.stopButton).toBeVisible();
  // Stop follows the text box and its voice controls.
  await tabTo(page, chat.stopButton);
  await page.keyboard.press("Enter");
  await chat.waitForAnswer();
  await expect(chat.lastAnswer()).toContainText("Stopped — partial answer");
  await expect(page.getByRole("status", { name: "Answer progress" })).toHaveText("Answer stopped.");
  // The keyboard is back in the text box, not at the top of the page.
  await expect(chat.composer).toBeFocused();

  // Regenerate, reached backwards from the text box.
  const regenerate = chat.lastAnswer().getByRole("button", { name: "Regenerate" });
  await tabTo(page, regenerate, { backward: true });
  await page.keyboard.press("Enter");
  await chat.waitForAnswer();
  const versions = chat.lastAnswer().getByRole("group", { name: "Versions" });
  await expect(versions).toContainText("2 / 2");

  const previous = versions.getByRole("button", { name: "Previous version" });
  const next = versions.getByRole("button", { name: "Next version" });
  await tabTo(page, previous);
  await page.keyboard.press("Enter");
  await expect(versions).toContainText("1 / 2");
  await expect(chat.lastAnswer()).toContainText("Stopped — partial answer");
  // The version shown is another element; the keyboard stays on its arrows (Previous is at its end).
  await expect(next).toBeFocused();
  await page.keyboard.press("Enter");
  await expect(versions).toContainText("2 / 2");
  await expect(previous).toBeFocused();

  const { said } = await heard();
  expect(said).toEqual(["Answer started.", "Answer stopped.", "Answer started.", "Answer finished."]);
});
