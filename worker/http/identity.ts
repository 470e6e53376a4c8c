import type { Context, MiddlewareHandler } from "hono";
import { AppError } from "../../contract/errors";
import { accessPerson } from "../auth/access";
import { accountsStub } from "../auth/accounts";
import { authConfig, sessionSecrets } from "../auth/config";
import { mintGuest } from "../auth/guests";
import { clearSession, readSession, wantsRenewal, writeSession, type SessionKind } from "../auth/session-cookie";
import type { AppEnv, Person } from "./app-types";

/** Who holds this browser's session cookie; null for a visitor who has not written anything yet. */
export type SignedIn = { kind: SessionKind; userId: string };

export type IdentityVars = {
  userId: string;
  signedIn: SignedIn | null;
  /** Set when a route issued or cleared the cookie itself (sign-in, sign-out), so the middleware leaves it. */
  sessionHandled?: boolean;
};

/**
 * The store a visitor without a session reads: always empty, because nothing is ever written as a
 * visitor (a write makes a guest first). Reads need no identity, and minting one per read would let
 * a cookieless script create people, and their budgets, for free.
 */
export const VISITOR_ID = "visitor";

const SAFE_METHODS = new Set(["GET", "HEAD", "OPTIONS"]);
/** What someone with no session may call even when guests are off: how to get in, and the status badge. */
const OPEN_PATHS = new Set([
  "/api/session",
  "/api/session/guest",
  "/api/status",
  "/api/auth/registration/options",
  "/api/auth/registration/verify",
  "/api/auth/authentication/options",
  "/api/auth/authentication/verify",
  "/api/auth/sign-out",
]);

/**
 * Establishes who is asking, in order: Cloudflare Access when configured (its token is the only way
 * in); else the signed session cookie (an account, or a guest while guests are on); else, for a
 * request that writes, a new guest, counted per address (see ../auth/guests.ts).
 */
export function identity(): MiddlewareHandler<AppEnv> {
  return async (c, next) => {
    const config = authConfig(c.env);
    if (config.access) {
      const { userId, person } = await accessPerson(c.req.header("cf-access-jwt-assertion"), config.access);
      setIdentity(c, userId, person, null);
      return next();
    }

    const secrets = sessionSecrets(c.env);
    const now = Date.now();
    let session = await readSession(c, secrets, now);
    let stale = false;
    // An old-format cookie (no expiry inside) is honoured once and replaced, so it cannot live on.
    if (session?.legacy && !(await accountsStub(c.env).claimLegacyId(session.userId))) session = null;

    let person: Person | null = null;
    if (session?.kind === "account") {
      const account = await accountsStub(c.env).getAccount(session.userId);
      if (account) person = { kind: "account", accountId: account.userId, name: account.name, owner: account.owner, approved: true };
      else [session, stale] = [null, true]; // the account was deleted
    } else if (session?.kind === "guest") {
      if (config.guests) person = { kind: "guest", owner: false };
      else [session, stale] = [null, true];
    }

    const path = new URL(c.req.url).pathname;
    let minted = false;
    if (!session) {
      if (!config.guests && !OPEN_PATHS.has(path)) throw new AppError("sign_in_required");
      if (SAFE_METHODS.has(c.req.method) || OPEN_PATHS.has(path)) {
        setIdentity(c, VISITOR_ID, { kind: "guest", owner: false }, null);
      } else {
        const userId = await mintGuest(c, config, c.req.header("x-turnstile-token"));
        session = { kind: "guest", userId, expiresAt: 0, reissue: true, legacy: false };
        person = { kind: "guest", owner: false };
        minted = true;
      }
    }
    if (session && person) setIdentity(c, session.userId, person, { kind: session.kind, userId: session.userId });
    // Made by this very request: nothing of theirs is stored yet either.
    if (minted) c.set("newVisitor", true);

    await next();

    // After the handler: a route that returns its own Response (the chat stream) would drop a cookie
    // set before it.
    if (c.var.sessionHandled) return;
    if (session && (minted || session.reissue || wantsRenewal(session, now)))
      await writeSession(c, secrets.current, session.kind, session.userId, now);
    else if (stale) clearSession(c);
  };
}

function setIdentity(c: Context<AppEnv>, userId: string, person: Person, signedIn: SignedIn | null) {
  c.set("userId", userId);
  c.set("person", person);
  c.set("signedIn", signedIn);
  // A visitor has nothing stored: read routes answer empty without touching a Durable Object (./new-visitor.ts).
  c.set("newVisitor", userId === VISITOR_ID);
}

/** A route that signs someone in (or makes them an account) issues the new cookie through this. */
export async function startSession(c: Context<AppEnv>, kind: SessionKind, userId: string): Promise<void> {
  await writeSession(c, sessionSecrets(c.env).current, kind, userId, Date.now());
  c.set("sessionHandled", true);
}

/** Sign-out and account deletion: the browser is a visitor again, and becomes a fresh guest when it next writes. */
export function endSession(c: Context<AppEnv>): void {
  clearSession(c);
  c.set("sessionHandled", true);
}
