import type { Context } from "hono";
import { AppError } from "../../contract/errors";
import type { AppEnv } from "../http/app-types";

/** How recent a passkey check must be for changes that would let a thief keep or destroy the account. */
export const FRESH_PASSKEY_SECONDS = 5 * 60;

/**
 * Adding a passkey, deleting the account and becoming owner need a passkey check in the last few
 * minutes (its time is signed into the session cookie), so a stolen cookie alone cannot do them. The
 * page answers `passkey_check_required` by asking for the passkey, then retries.
 */
export function requireFreshPasskey(c: Context<AppEnv>, now = Date.now()): void {
  const signedIn = c.var.signedIn;
  if (signedIn?.kind !== "account" || Math.floor(now / 1000) - signedIn.verifiedAt > FRESH_PASSKEY_SECONDS)
    throw new AppError("passkey_check_required");
}
