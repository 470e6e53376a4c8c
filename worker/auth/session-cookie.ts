import type { Context } from "hono";
import { deleteCookie, getCookie, setCookie } from "hono/cookie";
import { fromBase64Url, toBase64Url } from "../../contract/ids";

/**
 * The session cookie: `v2.<kind>.<userId>.<expires>.<generation>.<verifiedAt>.<mac>`, HMAC-SHA256 over
 * everything before the mac. The expiry inside the signed value means a copied cookie stops working on
 * its own, whatever the browser's Max-Age said. An account's cookie carries the account's session
 * generation (moved by "sign out everywhere", so older cookies are refused) and when this browser last
 * checked a passkey (adding a passkey, deleting the account and becoming owner need a recent one).
 * Signed with SESSION_SECRET; SESSION_SECRET_PREVIOUS still verifies (and the cookie is re-issued with
 * the current one), so a secret can be rotated without signing everybody out.
 *
 * `v1.<kind>.<userId>.<expires>.<mac>` (before sessions had generations) is still read, as generation 0
 * with no recent passkey check, and re-issued as v2 after identity has checked it: a v1 guest cookie
 * may name an id that has since become an account (sign-up used to keep the guest's id).
 */
export type SessionKind = "guest" | "account";
export interface Session {
  kind: SessionKind;
  userId: string;
  /** Unix seconds. */
  expiresAt: number;
  /** The account's session generation when this was issued (0 for a guest). */
  generation: number;
  /** Unix seconds of this browser's last passkey check (0: none known). */
  verifiedAt: number;
}
export interface ReadSession extends Session {
  /** Verified with a secret other than the current one, or in an older format: issue it again. */
  reissue: boolean;
  /** The old cookie from before this format; the caller accepts it once (see Accounts.claimLegacyGuest). */
  legacy: boolean;
  /** A v1 cookie: its id is checked against the accounts before it is trusted as a guest. */
  v1: boolean;
}

const VERSION = "v2";
const KIND_CODE: Record<SessionKind, string> = { guest: "g", account: "a" };
const KIND_OF: Record<string, SessionKind> = { g: "guest", a: "account" };
const DAY = 24 * 60 * 60;
/** How long a session lasts; one is re-issued once less than half of this is left (sliding). */
export const SESSION_SECONDS: Record<SessionKind, number> = { guest: 365 * DAY, account: 90 * DAY };
/** The cookie of older deployments: `<userId>.<mac over userId>`, no expiry. */
export const LEGACY_COOKIE = "uid";
const USER_ID = /^[A-Za-z0-9_-]{22}$/;

/**
 * `__Host-` pins the cookie to this exact origin (no Domain, Path=/, Secure), so a sibling subdomain
 * cannot plant or overwrite it. Browsers accept `__Host-` only with Secure, and a Secure cookie cannot
 * be set over plain http, so plain-http localhost (dev, the browser tests) uses a plain name: there is
 * no other host there to defend against.
 */
export function cookieFor(requestUrl: string): { name: string; secure: boolean } {
  const url = new URL(requestUrl);
  const plainLocal = url.protocol === "http:" && ["localhost", "127.0.0.1", "[::1]"].includes(url.hostname);
  return plainLocal ? { name: "session", secure: false } : { name: "__Host-session", secure: true };
}

export async function readSession(c: Context, secrets: { current: string; previous?: string }, now: number): Promise<ReadSession | null> {
  const value = getCookie(c, cookieFor(c.req.url).name);
  if (value) {
    const current = await verifySession(await hmacKey(secrets.current), value, now);
    if (current) return { ...current, reissue: current.v1, legacy: false };
    const previous = secrets.previous ? await verifySession(await hmacKey(secrets.previous), value, now) : null;
    if (previous) return { ...previous, reissue: true, legacy: false };
  }
  const legacy = getCookie(c, LEGACY_COOKIE);
  if (legacy) {
    for (const secret of [secrets.current, secrets.previous]) {
      const userId = secret ? await verifyLegacy(await hmacKey(secret), legacy) : null;
      if (userId) return { kind: "guest", userId, expiresAt: 0, generation: 0, verifiedAt: 0, reissue: true, legacy: true, v1: false };
    }
  }
  return null;
}

/** What a new cookie says beyond who: the account's generation and the last passkey check (unix seconds). */
export type SessionStamp = Pick<Session, "generation" | "verifiedAt">;
export const GUEST_STAMP: SessionStamp = { generation: 0, verifiedAt: 0 };

export async function writeSession(
  c: Context,
  secret: string,
  kind: SessionKind,
  userId: string,
  stamp: SessionStamp,
  now: number,
): Promise<void> {
  const { name, secure } = cookieFor(c.req.url);
  const maxAge = SESSION_SECONDS[kind];
  const value = await signSession(await hmacKey(secret), {
    kind,
    userId,
    expiresAt: Math.floor(now / 1000) + maxAge,
    generation: stamp.generation,
    verifiedAt: stamp.verifiedAt,
  });
  setCookie(c, name, value, { httpOnly: true, sameSite: "Lax", secure, path: "/", maxAge });
  if (getCookie(c, LEGACY_COOKIE)) deleteCookie(c, LEGACY_COOKIE, { path: "/" });
}

export function clearSession(c: Context): void {
  const { name, secure } = cookieFor(c.req.url);
  deleteCookie(c, name, { path: "/", secure, httpOnly: true, sameSite: "Lax" });
  if (getCookie(c, LEGACY_COOKIE)) deleteCookie(c, LEGACY_COOKIE, { path: "/" });
}

/** Whether a valid session is old enough that a fresh one should replace it. */
export function wantsRenewal(session: Session, now: number): boolean {
  return session.expiresAt - Math.floor(now / 1000) < SESSION_SECONDS[session.kind] / 2;
}

export async function signSession(key: CryptoKey, session: Session): Promise<string> {
  const body = `${VERSION}.${KIND_CODE[session.kind]}.${session.userId}.${session.expiresAt}.${session.generation}.${session.verifiedAt}`;
  return `${body}.${await mac(key, body)}`;
}

/** For tests of the upgrade: the cookie format before generations. */
export async function signSessionV1(key: CryptoKey, session: Pick<Session, "kind" | "userId" | "expiresAt">): Promise<string> {
  const body = `v1.${KIND_CODE[session.kind]}.${session.userId}.${session.expiresAt}`;
  return `${body}.${await mac(key, body)}`;
}

const NUMBER = /^\d{1,12}$/;

export async function verifySession(key: CryptoKey, value: string, now: number): Promise<(Session & { v1: boolean }) | null> {
  const parts = value.split(".");
  const v1 = parts[0] === "v1" && parts.length === 5;
  if (!v1 && !(parts[0] === VERSION && parts.length === 7)) return null;
  const [, kindCode, userId, expires] = parts;
  const [generation, verifiedAt] = v1 ? ["0", "0"] : parts.slice(4, 6);
  const signature = parts[parts.length - 1];
  const kind = KIND_OF[kindCode];
  if (!kind || !USER_ID.test(userId) || ![expires, generation, verifiedAt].every((n) => NUMBER.test(n))) return null;
  if (!(await macMatches(key, parts.slice(0, -1).join("."), signature))) return null;
  const expiresAt = Number(expires);
  if (expiresAt * 1000 <= now) return null;
  return { kind, userId, expiresAt, generation: Number(generation), verifiedAt: Number(verifiedAt), v1 };
}

async function verifyLegacy(key: CryptoKey, value: string): Promise<string | null> {
  const [userId, signature, extra] = value.split(".");
  if (!userId || !signature || extra !== undefined || !USER_ID.test(userId)) return null;
  return (await macMatches(key, userId, signature)) ? userId : null;
}

/** For tests and the legacy cookie's format: `<userId>.<mac>`. */
export async function signLegacy(secret: string, userId: string): Promise<string> {
  return `${userId}.${await mac(await hmacKey(secret), userId)}`;
}

const keys = new Map<string, Promise<CryptoKey>>();
export function hmacKey(secret: string): Promise<CryptoKey> {
  let key = keys.get(secret);
  if (!key) {
    key = crypto.subtle.importKey("raw", new TextEncoder().encode(secret), { name: "HMAC", hash: "SHA-256" }, false, ["sign", "verify"]);
    keys.set(secret, key);
  }
  return key;
}

async function mac(key: CryptoKey, body: string): Promise<string> {
  return toBase64Url(new Uint8Array(await crypto.subtle.sign("HMAC", key, new TextEncoder().encode(body))));
}

/** crypto.subtle.verify compares in constant time. */
async function macMatches(key: CryptoKey, body: string, signature: string): Promise<boolean> {
  const bytes = fromBase64Url(signature);
  return bytes ? crypto.subtle.verify("HMAC", key, bytes, new TextEncoder().encode(body)) : false;
}
