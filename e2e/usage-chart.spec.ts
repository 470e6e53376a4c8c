import AxeBuilder from "@axe-core/playwright";
import { type BrowserContext, expect, type Page, test } from "@playwright/test";
import { becomeOwner } from "./support/owner";
import { ChatPage } from "./pages/ChatPage";
import { UsagePages } from "./pages/UsagePages";

const LOADED = { timeout: 60_000 };
const unique = (prefix: string) => `${prefix} ${Math.random().toString(36).slice(2, 8)}`;

/** Serious or critical axe violations of the page as it is, in both themes. */
async function expectAccessible(page: Page, state: string) {
  const found: string[] = [];
  for (const theme of ["light", "dark"] as const) {
    await page.emulateMedia({ colorScheme: theme });
    await page.evaluate(() => document.documentElement.classList.toggle("dark", matchMedia("(prefers-color-scheme: dark)").matches));
    const { violations } = await new AxeBuilder({ page }).options({ resultTypes: ["violations"] }).analyze();
    for (const v of violations.filter((v) => v.impact === "serious" || v.impact === "critical"))
      for (const node of v.nodes) found.push(`[${theme}] ${v.id} at ${node.target.join(" ")}`);
  }
  expect(found, `${state}: accessibility violations`).toEqual([]);
}

/** The guest's user id, from the session cookie (v1.<kind>.<userId>.<expires>.<mac>), as the owner's list shortens it. */
async function guestName(context: BrowserContext): Promise<string> {
  const cookie = (await context.cookies()).find((c) => c.name === "session" || c.name === "__Host-session");
  const userId = cookie?.value.split(".")[2] ?? "";
  expect(userId).not.toBe("");
  return `Guest ${userId.slice(0, 8)}`;
}

/** Makes an account with a passkey (Chromium's virtual authenticator) from the guest on `page`, by open sign-up. */
async function signUp(page: Page, name: string) {
  const cdp = await page.context().newCDPSession(page);
  await cdp.send("WebAuthn.enable");
  await cdp.send("WebAuthn.addVirtualAuthenticator", {
    options: { protocol: "ctap2", transport: "internal", hasResidentKey: true, hasUserVerification: true, isUserVerified: true },
  });
  await page.goto("/account");
  await page.getByLabel("Account name").fill(name);
  await page.getByRole("button", { name: "Create a passkey" }).click();
  await expect(page.getByRole("list", { name: "Passkeys" }).getByRole("listitem")).toHaveCount(1, LOADED);
}

test("a person's own usage: after a chat, the chart's table shows today's spend on chat and on its model", async ({ page }) => {
  test.setTimeout(120_000);
  const chat = new ChatPage(page);
  await chat.startConversation(unique("Count this"));
  const usage = new UsagePages(page);

  // From the budget in the header to the page that explains it.
  await page
    .getByRole("link", { name: /neurons left today/ })
    .first()
    .click();
  await expect(page.getByRole("heading", { name: "Your usage" })).toBeVisible(LOADED);
  await expect(page.getByText("Budget left")).toBeVisible();
  // The answer's cost is settled once it is saved: the page shows it on a later load at the latest.
  await expect(async () => {
    await page.reload();
    // Read once the page has loaded (a dev server can take seconds), not while it says Loading….
    await expect(usage.chartTable("Your")).toBeVisible();
    expect(await usage.todayIn(usage.chartTable("Your"), "Chat")).toBeGreaterThan(0);
  }).toPass(LOADED);
  const total = await usage.todayIn(usage.chartTable("Your"), "Total");
  expect(total).toBeGreaterThan(0);

  // Split by model: the same day, under the model that answered.
  await page.getByRole("radio", { name: "By model" }).check();
  const headers = await usage.chartTable("Your").getByRole("columnheader").allTextContents();
  expect(headers.length).toBeGreaterThan(2);
  expect(await usage.todayIn(usage.chartTable("Your"), "Total")).toBe(total);
  await expectAccessible(page, "your usage");
});

test("the owner sees people by spend, changes one's daily budget and blocks them: the next request is refused", async ({ browser }) => {
  test.setTimeout(240_000);
  const someone = await browser.newContext();
  const ownerContext = await browser.newContext();
  try {
    // Someone spends a little as a guest.
    const theirPage = await someone.newPage();
    const theirChat = new ChatPage(theirPage);
    await theirChat.startConversation(unique("Spend"));
    const name = await guestName(someone);

    // The stack's one owner (e2e/support/owner.ts): made here with a real passkey, or taken from the spec that made it.
    const page = await ownerContext.newPage();
    await becomeOwner(page, unique("Owner"));
    await expect(page.getByRole("list", { name: "Passkeys" }).getByRole("listitem")).toHaveCount(1, LOADED);

    await page.goto("/usage");
    const usage = new UsagePages(page);
    await expect(page.getByRole("heading", { name: "People" })).toBeVisible(LOADED);
    await expect(usage.chartTable("Everybody's")).toBeVisible();
    const row = usage.person(name);
    await expect(row).toBeVisible();
    // Each figure says how old it is (people's ledgers report up to 5 minutes late), and each person is listed once.
    await expect(row.getByRole("cell", { name: /^updated \d/ })).toBeVisible();
    await expect(page.getByText(/^Everybody's figures updated \d/)).toBeVisible();
    await expect(page.getByRole("rowheader", { name: new RegExp(`^${name}`) })).toHaveCount(1);
    await expectAccessible(page, "the owner's usage");

    // A daily budget of 1 neuron: their next question is refused for the budget.
    await row.getByLabel(`Daily budget for ${name}`).fill("1");
    await row.getByRole("button", { name: `Save budget for ${name}` }).click();
    await expect(row.getByRole("status")).toHaveText(`${name} may spend 1 neurons a day.`);
    await theirChat.send(unique("Again"));
    await expect(theirPage.getByRole("alert").filter({ hasText: /budget/ })).toBeVisible(LOADED);

    // Blocked: the next one is refused with the owner's sentence.
    await row.getByRole("button", { name: `Block ${name}` }).click();
    await expect(row.getByRole("status")).toHaveText(`${name} is blocked from the next request on.`);
    await expect(row.getByRole("button", { name: `Unblock ${name}` })).toBeVisible();
    await theirChat.goto("/");
    await theirChat.send(unique("Once more"));
    await expect(theirPage.getByRole("alert").filter({ hasText: "The owner of this app has stopped your use of its models." })).toBeVisible(
      LOADED,
    );

    // The list remembers both after a reload.
    await page.reload();
    await expect(usage.person(name).getByLabel(`Daily budget for ${name}`)).toHaveValue("1", LOADED);
    await expect(usage.person(name).getByRole("button", { name: `Unblock ${name}` })).toBeVisible();

    // Making an account is no way out: the block follows the guest into it (worker/spend/spend.ts, moveOverride).
    const accountName = unique("Blocked");
    await signUp(theirPage, accountName);
    await theirChat.goto("/");
    await theirChat.send(unique("As an account"));
    await expect(theirPage.getByRole("alert").filter({ hasText: "The owner of this app has stopped your use of its models." })).toBeVisible(
      LOADED,
    );
    await page.reload();
    await expect(usage.person(accountName).getByRole("button", { name: `Unblock ${accountName}` })).toBeVisible(LOADED);
    await expect(usage.person(accountName).getByLabel(`Daily budget for ${accountName}`)).toHaveValue("1");
  } finally {
    await someone.close();
    await ownerContext.close();
  }
});
