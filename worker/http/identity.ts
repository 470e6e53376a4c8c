import type { MiddlewareHandler } from "hono";
import { getCookie, setCookie } from "hono/cookie";
import type { AppEnv } from "./app-types";
import { randomId } from "./ids";

/**
 * Anonymous per-browser identity: a random user id in an HttpOnly cookie, signed with HMAC-SHA256
 * so nobody can claim another id. The first request of a new browser or client mints one.
 */
export const IDENTITY_COOKIE = "uid";
const ONE_YEAR = 60 * 60 * 24 * 365;

export type IdentityVars = { userId: string };

export function identity(getSecret: (env: Env) => string | undefined): MiddlewareHandler<AppEnv> {
  return async (c, next) => {
    const secret = getSecret(c.env);
    if (!secret) throw new Error("SESSION_SECRET is not set: run `wrangler secret put SESSION_SECRET`.");
    const key = await hmacKey(secret);
    const presented = getCookie(c, IDENTITY_COOKIE);
    const known = presented ? await verify(key, presented) : null;
    const userId = known ?? randomId();
    c.set("userId", userId);
    c.set("person", { kind: "guest", owner: false });
    c.set("newVisitor", !known);
    await next();
    // Set after the handler: a route that returns its own Response (the chat stream) would drop a
    // cookie set before it.
    if (!known) {
      setCookie(c, IDENTITY_COOKIE, await sign(key, userId), {
        httpOnly: true,
        sameSite: "Lax",
        secure: new URL(c.req.url).protocol === "https:",
        path: "/",
        maxAge: ONE_YEAR,
      });
    }
  };
}

const keys = new Map<string, Promise<CryptoKey>>();
function hmacKey(secret: string): Promise<CryptoKey> {
  let key = keys.get(secret);
  if (!key) {
    key = crypto.subtle.importKey("raw", new TextEncoder().encode(secret), { name: "HMAC", hash: "SHA-256" }, false, ["sign", "verify"]);
    keys.set(secret, key);
  }
  return key;
}

async function sign(key: CryptoKey, userId: string): Promise<string> {
  const mac = await crypto.subtle.sign("HMAC", key, new TextEncoder().encode(userId));
  return `${userId}.${toBase64Url(new Uint8Array(mac))}`;
}

async function verify(key: CryptoKey, cookie: string): Promise<string | null> {
  const [userId, mac, extra] = cookie.split(".");
  if (!userId || !mac || extra !== undefined || !/^[A-Za-z0-9_-]{22}$/.test(userId)) return null;
  const bytes = fromBase64Url(mac);
  if (!bytes) return null;
  const ok = await crypto.subtle.verify("HMAC", key, bytes, new TextEncoder().encode(userId));
  return ok ? userId : null;
}

function toBase64Url(bytes: Uint8Array): string {
  return btoa(String.fromCharCode(...bytes)).replace(/\+/g, "-").replace(/\//g, "_").replace(/=+$/, "");
}

function fromBase64Url(text: string): Uint8Array | null {
  try {
    const raw = atob(text.replace(/-/g, "+").replace(/_/g, "/"));
    return Uint8Array.from(raw, (ch) => ch.charCodeAt(0));
  } catch {
    return null;
  }
}
