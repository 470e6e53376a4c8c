import { expect, type Locator, type Page, test } from "@playwright/test";
import { ChatPage } from "./pages/ChatPage";

// The dialogs e2e/keyboard-paths.spec.ts does not reach (it runs on the engine project, which has no
// documents and whose owner token another spec spends): revoking an API key, deleting a document,
// removing the only passkey and deleting the account. Each is opened from the keyboard and closed with
// Escape and with Cancel; focus must come back to the button that opened it, not fall to the page.

test.describe.configure({ timeout: 180_000 });

function unique(prefix: string): string {
  return `${prefix} ${Math.random().toString(36).slice(2, 8)}`;
}

/** Opens the dialog from `opener` by keyboard, closes it with Escape, then with Cancel; focus returns each time. */
async function cancelBothWays(page: Page, opener: Locator, dialogName: string) {
  const dialog = page.getByRole("dialog", { name: dialogName });
  await opener.focus();
  await page.keyboard.press("Enter");
  await expect(dialog).toBeVisible();
  await page.keyboard.press("Escape");
  await expect(dialog).toBeHidden();
  await expect(opener).toBeFocused();

  await page.keyboard.press("Enter");
  await expect(dialog).toBeVisible();
  await dialog.getByRole("button", { name: "Cancel" }).focus();
  await page.keyboard.press("Enter");
  await expect(dialog).toBeHidden();
  await expect(opener).toBeFocused();
}

test("focus comes back to the opener after the revoke-key and delete-document dialogs", async ({ page }) => {
  const chat = new ChatPage(page);
  await chat.goto("/");
  const keyName = unique("focus key");
  await page.getByRole("button", { name: "Settings", exact: true }).click();
  await page.getByRole("button", { name: "API keys" }).click();
  await page.getByRole("textbox", { name: "Key name" }).fill(keyName);
  await page.getByRole("button", { name: "Create key" }).click();
  await expect(page.getByRole("textbox", { name: `New API key “${keyName}”` })).toHaveValue(/^sk-wai-/);
  await cancelBothWays(page, page.getByRole("button", { name: `Revoke ${keyName}` }), "Revoke this API key?");

  // A document, uploaded from the chat (the documents page lists what was uploaded anywhere).
  const fileName = `${unique("notes").replace(" ", "-")}.txt`;
  await page.keyboard.press("Escape");
  const chooser = page.waitForEvent("filechooser");
  await page.getByRole("button", { name: "Attach files" }).click();
  await (await chooser).setFiles({ name: fileName, mimeType: "text/plain", buffer: Buffer.from("A short note about tides.\n") });
  await expect(page.getByRole("list", { name: "Attached documents" }).getByRole("status")).toHaveText("Ready", { timeout: 30_000 });
  await page.getByRole("navigation", { name: "Main" }).getByRole("link", { name: "Documents" }).click();
  const row = page.getByRole("row", { name: new RegExp(fileName.replace(".", "\\.")) });
  await expect(row).toContainText("Ready");
  await cancelBothWays(page, row.getByRole("button", { name: `Delete ${fileName}` }), `Delete ${fileName}?`);
});

test("focus comes back to the opener after the remove-only-passkey and delete-account dialogs", async ({ page }) => {
  const cdp = await page.context().newCDPSession(page);
  await cdp.send("WebAuthn.enable");
  await cdp.send("WebAuthn.addVirtualAuthenticator", {
    options: { protocol: "ctap2", transport: "internal", hasResidentKey: true, hasUserVerification: true, isUserVerified: true },
  });
  await page.goto("/account");
  await page.getByLabel("Account name").fill(unique("Focus"));
  await page.getByRole("button", { name: "Create a passkey" }).click();
  await expect(page.getByRole("list", { name: "Passkeys" }).getByRole("listitem")).toHaveCount(1);

  await cancelBothWays(page, page.getByRole("button", { name: "Remove passkey 1" }), "Remove your only passkey?");
  await cancelBothWays(page, page.getByRole("button", { name: "Delete account", exact: true }), "Delete your account?");
  // Cancelled twice each: the account and its passkey are still there.
  await expect(page.getByRole("list", { name: "Passkeys" }).getByRole("listitem")).toHaveCount(1);
});
