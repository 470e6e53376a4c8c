import type { Context } from "hono";
import { AppError } from "../../contract/errors";
import type { AppEnv } from "../http/app-types";
import { addressBucket } from "./address";

/** The limiter's window (wrangler.jsonc `period`): the longest anyone waits after a refusal. */
const WINDOW_SECONDS = 60;

/**
 * Requests anyone can send without an identity (a new guest, a passkey ceremony) pass the per-address
 * limiter before they reach a shared object, so one script cannot keep a shard busy for everyone.
 * The key names the purpose, so these do not eat into the limit the model routes count.
 */
export async function limitAddress(c: Context<AppEnv>, purpose: "new-identity" | "passkey" | "api-key" | "share-read"): Promise<void> {
  const ip = c.req.header("cf-connecting-ip");
  // Cloudflare always sets it; only local tools call without one.
  if (!ip) return;
  const { success } = await c.env.IP_RATE_LIMITER.limit({ key: `${purpose}:${addressBucket(ip)}` });
  if (!success)
    throw new AppError(
      "rate_limited",
      `Too many requests from your network. Try again in ${WINDOW_SECONDS} seconds.`,
      undefined,
      WINDOW_SECONDS,
    );
}
