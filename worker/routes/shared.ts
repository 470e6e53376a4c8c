import { Hono, type MiddlewareHandler } from "hono";
import { AppError } from "../../contract/errors";
import { shareTokenSchema } from "../../contract/share-api";
import type { AppEnv } from "../http/app-types";
import { limitAddress } from "../auth/address-limit";
import { sharesStore } from "../share/stub";

/** Shared snapshots are for the people given the link, not for search engines. */
const noindex: MiddlewareHandler = async (c, next) => {
  await next();
  c.header("x-robots-tag", "noindex, nofollow");
};

/**
 * The visitor's side: `GET /api/shared/:token`. Mounted in worker/index.ts before the identity
 * middleware, so reading a link sets no cookie and needs none: a visitor stays a stranger, and only
 * the token's `shares:N` shard is read, never the owner's store. Never cached (the app-wide
 * securityHeaders sets no-store), so Stop sharing takes effect at once.
 */
export const shared = new Hono<AppEnv>().use("*", noindex).get("/:token", async (c) => {
  // Anyone may read without an identity, so each address is limited before any token reaches its
  // shard (malformed ones too): one script cannot keep a shard busy for everyone's links.
  await limitAddress(c, "share-read");
  const token = shareTokenSchema.safeParse(c.req.param("token"));
  const snapshot = token.success ? await sharesStore(c.env).read(token.data) : null;
  if (!snapshot) throw new AppError("not_found", "This link does not exist, or its owner stopped sharing it.");
  return c.body(snapshot, 200, { "content-type": "application/json; charset=utf-8" });
});
