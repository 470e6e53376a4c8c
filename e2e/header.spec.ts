import { expect, test } from "@playwright/test";

// The header holds the navigation, the Connectors, Memory and Assistants links, the budget, the
// backend, the theme and the account: at tablet widths they did not fit (the page scrolled sideways
// and "Sign in" left the screen), so below lg they fold into the Menu and below xl the logo keeps
// only its picture.
for (const width of [412, 768, 900, 1024, 1280]) {
  test(`at ${width} px the header fits: nothing scrolls sideways, and every link is reachable`, async ({ page }) => {
    await page.setViewportSize({ width, height: 800 });
    await page.goto("/");
    await expect(page.getByRole("navigation", { name: "Main" })).toBeVisible();
    await expect(page.getByRole("textbox", { name: "Message", exact: true })).toBeEditable({ timeout: 30_000 });
    expect(await page.evaluate(() => document.documentElement.scrollWidth)).toBeLessThanOrEqual(width);
    const menu = page.getByRole("button", { name: "Menu" });
    if (await menu.isVisible()) await menu.click();
    for (const name of ["Connectors", "Memory", "Assistants"]) await expect(page.getByRole("link", { name, exact: true })).toBeInViewport();
  });
}
