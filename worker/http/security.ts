import type { MiddlewareHandler } from "hono";
import { AppError } from "../../contract/errors";
import headersFile from "../../public/_headers?raw";
import { headersFor } from "./headers-file";

/**
 * The pages' security headers, read at build time from public/_headers so that the static assets
 * and the Worker can never disagree (an inline-script hash, say, is a one-line change there).
 */
export const PAGE_HEADERS = headersFor(headersFile, "/*");
if (!PAGE_HEADERS.some(([name]) => name === "content-security-policy"))
  throw new Error("public/_headers has no Content-Security-Policy for /*.");

/** API answers are data, never documents: nothing in them may run, frame or be sniffed. */
export const API_CSP = "default-src 'none'; frame-ancestors 'none'";

/**
 * On every response the Worker makes, whatever the path or outcome (404s and errors included): the
 * pages' headers, with the API's stricter CSP under /api/, and no caching unless a route chose it.
 */
export const securityHeaders: MiddlewareHandler = async (c, next) => {
  await next();
  const api = new URL(c.req.url).pathname.startsWith("/api/");
  const set = (name: string, value: string) => c.res.headers.set(name, value);
  try {
    writeSecurityHeaders(set, api, c.res.headers.has("cache-control"));
  } catch {
    // A response whose headers cannot change (one fetched, a static asset): `c.header` copies it
    // first. Not every time: it copies the response, stream and all, on each call.
    writeSecurityHeaders((name, value) => c.header(name, value), api, c.res.headers.has("cache-control"));
  }
};

function writeSecurityHeaders(set: (name: string, value: string) => void, api: boolean, hasCacheControl: boolean) {
  for (const [name, value] of PAGE_HEADERS) set(name, name === "content-security-policy" && api ? API_CSP : value);
  if (!hasCacheControl) set("cache-control", "no-store");
}

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
