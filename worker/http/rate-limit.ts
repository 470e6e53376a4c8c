import type { Context, MiddlewareHandler } from "hono";
import { AppError } from "../../contract/errors";
import type { AppEnv } from "./app-types";

/** The limiters' window (wrangler.jsonc `period`): the longest anyone waits after a refusal. */
const WINDOW_SECONDS = 60;

/**
 * Per-user and per-IP limits on routes that call a model (each call costs the owner money), with
 * Cloudflare's Rate Limiting binding, which also runs locally. A refusal is a 429 with Retry-After.
 */
export async function checkRateLimit(c: Context<AppEnv>): Promise<AppError | undefined> {
  // Cloudflare always sets CF-Connecting-IP; only local tools call without one, and they are one client.
  const ip = c.req.header("cf-connecting-ip");
  const [user, address] = await Promise.all([
    c.env.USER_RATE_LIMITER.limit({ key: `user:${c.var.userId}` }),
    ip ? c.env.IP_RATE_LIMITER.limit({ key: `ip:${ip}` }) : { success: true },
  ]);
  if (user.success && address.success) return undefined;
  return new AppError("rate_limited", `Too many requests. Try again in ${WINDOW_SECONDS} seconds.`, undefined, WINDOW_SECONDS);
}

export const rateLimit: MiddlewareHandler<AppEnv> = async (c, next) => {
  const refused = await checkRateLimit(c);
  if (refused) throw refused;
  await next();
};
