import AxeBuilder from "@axe-core/playwright";
import { expect, type Page, test } from "@playwright/test";
import { SidebarPages } from "./pages/SidebarPages";

// The sidebar in pages (issue 25): each group shows its newest conversations and "Show more" loads
// the rest by keyboard or mouse, so a project's older conversations are never out of reach. The
// conversations are made by importing a bundle (the product's import route), so no model is asked.

const LOADED = { timeout: 60_000 };
const ALPHA = { id: "sidebarpagingalpha000001", name: "Alpha", instructions: "", defaults: {} };

function exported(title: string, project?: typeof ALPHA) {
  return {
    conversation: { title, ...(project ? { project } : {}) },
    messages: [{ id: "m1", role: "user", parts: [{ type: "text", text: `About ${title}` }] }],
  };
}

/** A new guest for this page, then the bundle imported as that guest (the page's own cookies). */
async function importAs(page: Page, conversations: ReturnType<typeof exported>[]) {
  const origin = new URL(page.url()).origin;
  const response = await page.request.post("/api/import", {
    headers: { origin },
    data: { format: "workers-ai-chat/conversations", version: 2, exportedAt: Date.now(), conversations },
  });
  expect(response.status(), await response.text()).toBe(201);
}

test("a project's and the loose conversations' older pages load by Show more, keyboard first, and survive a reload of the list", async ({
  page,
}) => {
  test.setTimeout(120_000);
  const side = new SidebarPages(page);
  await page.goto("/");
  await page.request.post("/api/session/guest", { headers: { origin: new URL(page.url()).origin }, data: {} });
  // The oldest first, alone, so it is certain to be past Alpha's first page.
  await importAs(page, [exported("Zebra migration notes", ALPHA)]);
  await page.waitForTimeout(20);
  await importAs(page, [
    ...Array.from({ length: 11 }, (_, i) => exported(`Alpha chat ${i + 1}`, ALPHA)),
    ...Array.from({ length: 33 }, (_, i) => exported(`Loose chat ${i + 1}`)),
  ]);
  await page.reload();

  // First pages: Alpha's newest 5 of 12, the loose conversations' newest 30 of 33.
  await expect(side.links("Alpha")).toHaveCount(5, LOADED);
  await expect(side.links("No project")).toHaveCount(30);
  await expect(side.group("Alpha").getByRole("link", { name: "Zebra migration notes" })).toHaveCount(0);
  await expect(side.showMore("Alpha")).toHaveAccessibleName("Show more in Alpha (7)");

  const axe = await new AxeBuilder({ page }).include('nav[aria-label="Conversations"]').analyze();
  const serious = axe.violations.filter((v) => v.impact === "serious" || v.impact === "critical");
  expect(serious.map((v) => `${v.id}: ${v.nodes.map((n) => n.target.join(" ")).join(", ")}`)).toEqual([]);

  // By keyboard: the button takes the focus and Enter; the last page brought, the button leaves and
  // the keyboard goes on to the first conversation it brought.
  await side.showMore("Alpha").focus();
  await page.keyboard.press("Enter");
  await expect(side.links("Alpha")).toHaveCount(12);
  await expect(side.showMore("Alpha")).toHaveCount(0);
  await expect(side.links("Alpha").nth(5)).toBeFocused();
  await expect(side.group("Alpha").getByRole("link", { name: "Zebra migration notes" })).toBeVisible();

  // With the mouse, the loose conversations' last 3.
  await side.showMore("No project").click();
  await expect(side.links("No project")).toHaveCount(33);
  await expect(side.showMore("No project")).toHaveCount(0);

  // A rename reloads the list: what Show more opened stays open, with the renamed row in its place.
  await side.sidebar.getByRole("button", { name: "Rename Zebra migration notes" }).click();
  await side.sidebar.getByRole("textbox").fill("Zebra crossing notes");
  await page.keyboard.press("Enter");
  await expect(side.group("Alpha").getByRole("link", { name: "Zebra crossing notes" })).toBeVisible();
  await expect(side.links("Alpha")).toHaveCount(12);
  await expect(side.links("No project")).toHaveCount(33);
});

test("search still finds a conversation no page has shown yet", async ({ page }) => {
  const side = new SidebarPages(page);
  await page.goto("/");
  await page.request.post("/api/session/guest", { headers: { origin: new URL(page.url()).origin }, data: {} });
  await importAs(page, [exported("Quokka travel plan", ALPHA)]);
  await page.waitForTimeout(20);
  await importAs(
    page,
    Array.from({ length: 8 }, (_, i) => exported(`Alpha chat ${i + 1}`, ALPHA)),
  );
  await page.reload();
  await expect(side.links("Alpha")).toHaveCount(5, LOADED);
  await expect(side.sidebar.getByRole("link", { name: "Quokka travel plan" })).toHaveCount(0);

  await side.sidebar.getByRole("searchbox", { name: "Search conversations" }).fill("quokka");
  const results = side.sidebar.getByRole("list", { name: "Search results" });
  await expect(results.getByRole("link", { name: /Quokka travel plan/ }).first()).toBeVisible(LOADED);
});
