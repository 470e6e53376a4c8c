import type { Context } from "hono";
import { AppError } from "../../contract/errors";
import type { AppEnv } from "../http/app-types";
import { randomId } from "../../contract/ids";
import { accountStub, addressShard } from "./account-store";
import { addressBucket } from "./address";
import { limitAddress } from "./address-limit";
import type { AuthConfig } from "./config";
import { verifyTurnstile } from "./turnstile";

/**
 * Counts a new identity against the caller's address (exact, in the address's `addresses:N` shard) and
 * returns its id. Every new identity is a fresh daily budget, so this is what bounds a script that drops its
 * cookie: at most `guestsPerAddressPerHour` of them per address (IPv6: per /64) per hour.
 */
export async function countNewIdentity(c: Context<AppEnv>, config: AuthConfig): Promise<string> {
  const bucket = addressBucket(c.req.header("cf-connecting-ip"));
  const outcome = await addressShard(c.env, bucket).mintIdentity(bucket, config.guestsPerAddressPerHour);
  if (!outcome.ok) {
    const minutes = Math.ceil(outcome.retryAfter / 60);
    throw new AppError(
      "guest_limit",
      `Too many new visitors from your network in the last hour. Try again in ${minutes} minute${minutes === 1 ? "" : "s"}, or sign in with a passkey.`,
      undefined,
      outcome.retryAfter,
    );
  }
  return randomId();
}

/**
 * A new guest: the address's rate limit, then Turnstile when it is on (a failed check costs no count),
 * then the count. Its account object records that the id is new, so no lookup of it ever needs the
 * accounts of older deployments (./legacy-accounts.ts).
 */
export async function mintGuest(c: Context<AppEnv>, config: AuthConfig, turnstileToken: string | undefined): Promise<string> {
  if (!config.guests) throw new AppError("sign_in_required");
  await limitAddress(c, "new-identity");
  if (config.turnstile) await verifyTurnstile(config.turnstile, turnstileToken, c.req.header("cf-connecting-ip"));
  const userId = await countNewIdentity(c, config);
  await accountStub(c.env, userId).born();
  return userId;
}
