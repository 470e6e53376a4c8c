import { readFileSync } from "node:fs";
import { resolve } from "node:path";
import { expect, test, type BrowserContext, type Page } from "@playwright/test";
import { ChatPage } from "./pages/ChatPage";

// Passkeys in a real browser: Chromium's virtual authenticator (DevTools' WebAuthn domain) stands in
// for a phone or laptop authenticator, so the page's real WebAuthn calls and the Worker's real checks run.

function unique(prefix: string): string {
  return `${prefix} ${Math.random().toString(36).slice(2, 8)}`;
}

/** A platform authenticator with user verification, like a phone's or laptop's built-in one. */
async function virtualAuthenticator(page: Page) {
  const cdp = await page.context().newCDPSession(page);
  await cdp.send("WebAuthn.enable");
  const { authenticatorId } = await cdp.send("WebAuthn.addVirtualAuthenticator", {
    options: { protocol: "ctap2", transport: "internal", hasResidentKey: true, hasUserVerification: true, isUserVerified: true },
  });
  return { cdp, authenticatorId };
}

/** The owner setup token the test stack's dev server made at start (vite.config.ts writes it beside the Worker's state). */
function ownerSetupToken(): string {
  return readFileSync(resolve(process.env.E2E_WORKER_STATE ?? ".cache/e2e-worker-state", "owner-setup-token"), "utf8").trim();
}

async function newPage(context: BrowserContext) {
  const page = await context.newPage();
  const chat = new ChatPage(page);
  await chat.goto("/");
  return { page, chat };
}

test("sign up as owner with a passkey, sign in on a second browser (its guest chat moves in), sign out, sign out everywhere", async ({
  browser,
}) => {
  // Two browsers and two model answers in one story: more than the default minute on a busy machine.
  test.setTimeout(240_000);
  const first = await browser.newContext();
  const second = await browser.newContext();
  try {
    // First browser: a guest who creates a passkey, then chats as the account.
    const { page, chat } = await newPage(first);
    const authenticator = await virtualAuthenticator(page);
    const header = page.getByRole("banner");
    await expect(header.getByLabel("Signed in as Guest")).toBeVisible();
    await header.getByRole("button", { name: "Sign in" }).click();
    const name = unique("Ada");
    await page.getByLabel("Account name").fill(name);
    await page.getByLabel("Owner setup token").fill(ownerSetupToken());
    await page.getByRole("button", { name: "Create a passkey" }).click();
    await expect(header.getByRole("link", { name: `Account: ${name}` })).toBeVisible();
    await expect(header.getByRole("button", { name: "Sign out" })).toBeVisible();
    await expect(page.getByRole("list", { name: "Passkeys" }).getByRole("listitem")).toHaveCount(1);

    await header.getByRole("link", { name: "Chat", exact: true }).click();
    const accountQuestion = unique("Account chat");
    await chat.send(accountQuestion);
    await chat.waitForAnswer();
    await expect(chat.conversationLink(accountQuestion)).toBeVisible();

    // The owner setup token made this account the owner: the Usage page is theirs, with this account's
    // spend today listed by name (a guest is refused it: e2e/usage.spec.ts).
    await header.getByRole("link", { name: "Usage", exact: true }).click();
    await expect(page.getByRole("heading", { name: "Usage", exact: true })).toBeVisible();
    // Listed once on the page (strict: a second row naming them fails), in the People table, once the shard has its report.
    await expect(page.getByRole("rowheader", { name: `${name} (account)`, exact: true })).toBeVisible();
    await header.getByRole("link", { name: "Chat", exact: true }).click();

    // Second browser: a guest with a chat of its own, then the same passkey (copied, as a synced
    // passkey would arrive) signs in.
    const other = await newPage(second);
    const guestQuestion = unique("Guest chat");
    await other.chat.send(guestQuestion);
    await other.chat.waitForAnswer();
    const { credentials } = await authenticator.cdp.send("WebAuthn.getCredentials", { authenticatorId: authenticator.authenticatorId });
    expect(credentials).toHaveLength(1);
    const otherAuthenticator = await virtualAuthenticator(other.page);
    await otherAuthenticator.cdp.send("WebAuthn.addCredential", {
      authenticatorId: otherAuthenticator.authenticatorId,
      credential: credentials[0],
    });

    const otherHeader = other.page.getByRole("banner");
    await otherHeader.getByRole("button", { name: "Sign in" }).click();
    await other.page.getByRole("button", { name: "Sign in with a passkey" }).click();
    await expect(otherHeader.getByRole("link", { name: `Account: ${name}` })).toBeVisible();
    await otherHeader.getByRole("link", { name: "Chat", exact: true }).click();
    await expect(other.chat.conversationLink(accountQuestion)).toBeVisible();
    await expect(other.chat.conversationLink(guestQuestion)).toBeVisible();

    // The first browser sees the moved guest chat too.
    await page.reload();
    await expect(chat.conversationLink(guestQuestion)).toBeVisible();

    // Sign out: a guest again, with none of the account's conversations.
    await otherHeader.getByRole("button", { name: "Sign out" }).click();
    await expect(otherHeader.getByLabel("Signed in as Guest")).toBeVisible();
    await expect(otherHeader.getByRole("button", { name: "Sign in" })).toBeVisible();
    await expect(other.chat.composer).toBeVisible();
    await expect(other.chat.conversationLink(accountQuestion)).toHaveCount(0);
    await expect(other.chat.conversationLink(guestQuestion)).toHaveCount(0);

    // Signed in again on the second browser, then "Sign out everywhere" on the first ends both.
    await otherHeader.getByRole("button", { name: "Sign in" }).click();
    await other.page.getByRole("button", { name: "Sign in with a passkey" }).click();
    await expect(otherHeader.getByRole("link", { name: `Account: ${name}` })).toBeVisible();
    await header.getByRole("link", { name: `Account: ${name}` }).click();
    await page.getByRole("button", { name: "Sign out everywhere" }).click();
    await expect(header.getByRole("button", { name: "Sign in" })).toBeVisible();
    await other.page.reload();
    await expect(otherHeader.getByRole("button", { name: "Sign in" })).toBeVisible();
    await expect(otherHeader.getByRole("link", { name: `Account: ${name}` })).toHaveCount(0);
    await expect(other.chat.conversationLink(accountQuestion)).toHaveCount(0);
  } finally {
    await first.close();
    await second.close();
  }
});
