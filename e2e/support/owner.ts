import { createHash } from "node:crypto";
import { existsSync, readFileSync, writeFileSync } from "node:fs";
import { resolve } from "node:path";
import { expect, type Page } from "@playwright/test";

/**
 * The fake stack's owner, shared by the specs that need one. The owner setup token (vite.config.ts
 * writes it beside the Worker's state) makes ONE owner per stack start and is refused after that,
 * so the first spec to need an owner signs up with it and keeps the owner's session cookies beside
 * the token; a later spec in the same run takes those cookies instead of signing up again. The file
 * is named by the token, which is new at every stack start, so a session from an earlier start is
 * never reused.
 */
export async function becomeOwner(page: Page, name: string): Promise<{ name: string }> {
  const dir = process.env.E2E_FAKE_STATE ?? ".cache/e2e-fake-state";
  const token = readFileSync(resolve(dir, "owner-setup-token"), "utf8").trim();
  const saved = resolve(dir, `owner-session-${createHash("sha256").update(token).digest("hex").slice(0, 16)}.json`);
  if (existsSync(saved)) {
    const { name: ownerName, cookies } = JSON.parse(readFileSync(saved, "utf8"));
    await page.context().clearCookies();
    await page.context().addCookies(cookies);
    await page.goto("/account");
    return { name: ownerName };
  }
  // A platform authenticator (DevTools' WebAuthn domain) for the real passkey ceremony.
  const cdp = await page.context().newCDPSession(page);
  await cdp.send("WebAuthn.enable");
  await cdp.send("WebAuthn.addVirtualAuthenticator", {
    options: { protocol: "ctap2", transport: "internal", hasResidentKey: true, hasUserVerification: true, isUserVerified: true },
  });
  if (!page.url().endsWith("/account")) await page.goto("/account");
  await page.getByLabel("Account name").fill(name);
  await page.getByLabel("Owner setup token").fill(token);
  await page.getByRole("button", { name: "Create a passkey" }).click();
  await expect(page.getByRole("list", { name: "Passkeys" }).getByRole("listitem")).toHaveCount(1, { timeout: 60_000 });
  writeFileSync(saved, JSON.stringify({ name, cookies: await page.context().cookies() }), { mode: 0o600 });
  return { name };
}
