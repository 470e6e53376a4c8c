import type { MiddlewareHandler } from "hono";
import { AppError } from "../../contract/errors";

/** API responses are data, never documents: nothing in them may run, frame or be sniffed. */
export const securityHeaders: MiddlewareHandler = async (c, next) => {
  await next();
  c.header("x-content-type-options", "nosniff");
  c.header("referrer-policy", "strict-origin-when-cross-origin");
  c.header("content-security-policy", "default-src 'none'; frame-ancestors 'none'");
  if (!c.res.headers.has("cache-control")) c.header("cache-control", "no-store");
};

const SAFE_METHODS = new Set(["GET", "HEAD", "OPTIONS"]);

/**
 * Mutating requests from another site are refused (the cookie is SameSite=Lax, and this closes the
 * rest). Clients that send no Origin, such as curl or server-to-server callers, are not browsers
 * acting for someone else and pass.
 */
export const sameOrigin: MiddlewareHandler = async (c, next) => {
  if (!SAFE_METHODS.has(c.req.method)) {
    const origin = c.req.header("origin");
    const site = c.req.header("sec-fetch-site");
    if ((origin && origin !== new URL(c.req.url).origin) || site === "cross-site") throw new AppError("forbidden_origin");
  }
  await next();
};
