import { AppError } from "../../contract/errors";
import { ownerSetupStub } from "./account-store";
import type { AuthEnv } from "./config";

/**
 * The first owner is whoever holds OWNER_SETUP_TOKEN (a secret the operator sets: `npm run owner-token`
 * prints one; `npm run dev` makes one per start), not whoever signs up first. Each token makes one
 * owner: its use is recorded (by hash) in the `owner-setup` object, which nothing else touches.
 */
async function sha256(text: string): Promise<Uint8Array> {
  return new Uint8Array(await crypto.subtle.digest("SHA-256", new TextEncoder().encode(text)));
}

/** The token's hash when `given` is the configured token (compared in constant time), else null. */
export async function ownerTokenHash(env: AuthEnv, given: string): Promise<string | null> {
  const configured = env.OWNER_SETUP_TOKEN?.trim();
  if (!configured) return null;
  // Equal-length digests, so the comparison's time says nothing about the token.
  const [a, b] = await Promise.all([sha256(configured), sha256(given.trim())]);
  if (!crypto.subtle.timingSafeEqual(a, b)) return null;
  return Array.from(a, (byte) => byte.toString(16).padStart(2, "0")).join("");
}

/** Checks a token before a ceremony starts (so a wrong one costs no passkey prompt); returns its hash. */
export async function checkOwnerToken(env: Env & AuthEnv, given: string): Promise<string> {
  const hash = await ownerTokenHash(env, given);
  if (!hash || (await ownerSetupStub(env).ownerSetupUsed(hash))) throw new AppError("owner_setup_refused");
  return hash;
}

/** Uses the token for `userId`, once: a second use, even at the same moment, is refused. */
export async function useOwnerToken(env: Env, hash: string, userId: string): Promise<void> {
  if (!(await ownerSetupStub(env).useOwnerSetup(hash, userId))) throw new AppError("owner_setup_refused");
}
