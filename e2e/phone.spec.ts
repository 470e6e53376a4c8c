import { expect, type Locator, type Page, test } from "@playwright/test";
import { ChatPage } from "./pages/ChatPage";

// Phones: at 360 and 390 px wide (most phones) no page scrolls sideways, and every header control can
// be reached: the navigation in the header, the rest (backend, budget, theme, who you are, Sign in)
// in the header's menu, a disclosure button that Escape closes, giving focus back to the button.

const PAGES = ["/", "/images", "/vision", "/documents", "/account", "/usage", "/data"];

async function expectNoSidewaysScroll(page: Page, what: string) {
  // Measured once the page has settled (what fills in from the API can widen it).
  await page.evaluate(() => new Promise((resolve) => requestAnimationFrame(() => setTimeout(resolve, 0))));
  const { scrollWidth, innerWidth } = await page.evaluate(() => ({
    scrollWidth: document.documentElement.scrollWidth,
    innerWidth: window.innerWidth,
  }));
  expect(scrollWidth, `${what}: the page is ${scrollWidth} px wide in a ${innerWidth} px window`).toBeLessThanOrEqual(innerWidth);
}

/** Seen whole, inside the window: a control half off-screen cannot be tapped. */
async function expectReachable(locator: Locator) {
  await expect(locator).toBeVisible();
  await expect(locator).toBeInViewport({ ratio: 1 });
}

async function expectHeaderControlsReachable(page: Page, path: string) {
  const header = page.getByRole("banner");
  const nav = page.getByRole("navigation", { name: "Main" });
  for (const label of ["Chat", "Images", "Vision", "Documents"]) await expectReachable(nav.getByRole("link", { name: label, exact: true }));

  const menuButton = header.getByRole("button", { name: "Menu" });
  await expectReachable(menuButton);
  await expect(menuButton).toHaveAttribute("aria-expanded", "false");
  // The budget, filled in from the API, is there (in the closed menu) before the menu is opened.
  await expect(page.getByText(/neurons left today/)).toBeAttached();
  await menuButton.click();
  await expect(menuButton).toHaveAttribute("aria-expanded", "true");
  const menu = page.locator(`#${await menuButton.getAttribute("aria-controls")}`);
  await expectReachable(menu);
  await expectReachable(menu.getByText(/neurons left today/));
  await expectReachable(menu.getByText(/Local engine/));
  await expectReachable(menu.getByRole("button", { name: "Toggle theme" }));
  await expectReachable(menu.getByLabel("Signed in as Guest"));
  if (path !== "/account") await expectReachable(menu.getByRole("button", { name: "Sign in" }));
  await expectNoSidewaysScroll(page, `${path} with the menu open`);

  // Escape closes it and gives focus back to the button that opened it.
  await menu.getByRole("button", { name: "Toggle theme" }).focus();
  await page.keyboard.press("Escape");
  await expect(menuButton).toHaveAttribute("aria-expanded", "false");
  await expect(menu).toBeHidden();
  await expect(menuButton).toBeFocused();
  // Reopened (the theme toggle is unchanged: focusing it did not press it).
  await page.keyboard.press("Enter");
  await expect(menuButton).toHaveAttribute("aria-expanded", "true");
  await page.keyboard.press("Enter");
  await expect(menu).toBeHidden();
}

for (const width of [360, 390]) {
  test.describe(`at ${width} px wide`, () => {
    test.use({ viewport: { width, height: 780 } });

    test("no page scrolls sideways and every header control is reachable", async ({ page }) => {
      test.setTimeout(240_000); // seven pages, each loaded and checked with the menu open and closed
      // A first message makes this browser a guest, so the header has someone to show on every page.
      const chat = new ChatPage(page);
      await chat.startConversation(`Phone ${width} ${Math.random().toString(36).slice(2, 8)}`);
      await expectNoSidewaysScroll(page, "a conversation");
      for (const path of PAGES) {
        await page.goto(path);
        await expect(page.getByText(/neurons left today/), path).toBeAttached();
        await expectNoSidewaysScroll(page, path);
        await expectHeaderControlsReachable(page, path);
      }
    });

    test("Sign in is reachable from the header's menu and leads to the account page", async ({ page }) => {
      const chat = new ChatPage(page);
      await chat.startConversation(`Phone sign-in ${Math.random().toString(36).slice(2, 8)}`);
      await page.getByRole("banner").getByRole("button", { name: "Menu" }).click();
      await page.getByRole("banner").getByRole("button", { name: "Sign in" }).click();
      await expect(page).toHaveURL(/\/account$/);
      // Changing page closes the menu.
      await expect(page.getByRole("banner").getByRole("button", { name: "Menu" })).toHaveAttribute("aria-expanded", "false");
      await expectNoSidewaysScroll(page, "/account after Sign in");
    });

    test("a shared link's page does not scroll sideways", async ({ page, browser, context, baseURL }) => {
      await context.grantPermissions(["clipboard-read", "clipboard-write"], { origin: baseURL });
      const chat = new ChatPage(page);
      const question = `Shared on a phone ${Math.random().toString(36).slice(2, 8)}`;
      await chat.startConversation(question);
      // The sidebar is a drawer on a phone.
      await page.getByRole("button", { name: "Conversations", exact: true }).click();
      await chat.sidebar.getByRole("button", { name: `Share or export ${question}` }).click();
      const dialog = page.getByRole("dialog");
      await dialog.getByRole("button", { name: "Create and copy link" }).click();
      const url = await dialog.getByRole("textbox", { name: "Share link" }).inputValue();
      await expectNoSidewaysScroll(page, "the share dialog");

      const stranger = await browser.newContext({ viewport: { width, height: 780 } });
      const visitor = await stranger.newPage();
      await visitor.goto(url);
      await expect(visitor.getByRole("heading", { level: 1, name: question })).toBeVisible();
      await expect(visitor.getByRole("article", { name: "You" })).toContainText(question);
      await expectNoSidewaysScroll(visitor, "the shared page");
      await stranger.close();
    });
  });
}
