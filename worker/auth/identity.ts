import type { Context, MiddlewareHandler } from "hono";
import { AppError } from "../../contract/errors";
import type { AppEnv, Person, SignedIn } from "../http/app-types";
import { accessPerson } from "./access";
import { accountStub } from "./account-store";
import { authConfig, sessionSecrets } from "./config";
import { mintGuest } from "./guests";
import {
  clearSession,
  GUEST_STAMP,
  readSession,
  wantsRenewal,
  writeSession,
  type ReadSession,
  type SessionKind,
  type SessionStamp,
} from "./session-cookie";

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
  "/api/auth/sign-out-everywhere",
]);

/**
 * Establishes who is asking, in order: Cloudflare Access when configured (its token is the only way
 * in); else the signed session cookie (an account, or a guest while guests are on); else, for a
 * request that writes, a new guest, counted per address (see ./guests.ts).
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
    let session: ReadSession | null = await readSession(c, secrets, now);
    let stale = false;
    let person: Person | null = null;
    if (session?.kind === "account") {
      // The person's own account object, on each of their requests: a deleted account or an older
      // generation (signed out everywhere, a passkey removed) ends this cookie.
      const account = await accountStub(c.env, session.userId).getAccount(session.userId);
      if (account && account.generation === session.generation)
        person = { kind: "account", accountId: account.userId, name: account.name, owner: account.owner, approved: account.approved };
      else [session, stale] = [null, true];
    } else if (session?.kind === "guest") {
      if (config.guests && (await trustedGuest(c.env, session))) person = { kind: "guest", owner: false };
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
        session = { kind: "guest", userId, expiresAt: 0, ...GUEST_STAMP, reissue: true, legacy: false, v1: false };
        person = { kind: "guest", owner: false };
        minted = true;
      }
    }
    if (session && person)
      setIdentity(c, session.userId, person, {
        kind: session.kind,
        userId: session.userId,
        generation: session.generation,
        verifiedAt: session.verifiedAt,
      });
    // Made by this very request: nothing of theirs is stored yet either.
    if (minted) c.set("newVisitor", true);

    await next();

    // After the handler: a route that returns its own Response (the chat stream) would drop a cookie
    // set before it.
    if (c.var.sessionHandled) return;
    if (session && (minted || session.reissue || wantsRenewal(session, now)))
      await writeSession(c, secrets.current, session.kind, session.userId, session, now);
    else if (stale) clearSession(c);
  };
}

/**
 * A v2 guest cookie names an id that is no account: since issue 22 a new account gets a fresh id. An
 * older cookie may name a guest id that later became an account (sign-up kept the id then), so it is
 * checked once against that id's account object and re-issued as v2 only if it is no account. The
 * pre-v1 `uid` cookie is honoured once as well (then replaced), so a copy of it cannot live on.
 */
async function trustedGuest(env: Env, session: ReadSession): Promise<boolean> {
  if (!session.v1 && !session.legacy) return true;
  const account = accountStub(env, session.userId);
  if (session.legacy) {
    const claim = await account.claimLegacyGuest(session.userId);
    return !claim.account && claim.first;
  }
  return (await account.getAccount(session.userId)) === null;
}

function setIdentity(c: Context<AppEnv>, userId: string, person: Person, signedIn: SignedIn | null) {
  c.set("userId", userId);
  c.set("person", person);
  c.set("signedIn", signedIn);
  // A visitor has nothing stored: read routes answer empty without touching a Durable Object (../http/new-visitor.ts).
  c.set("newVisitor", userId === VISITOR_ID);
}

/**
 * A route that signs someone in (or makes them an account, or moves their generation) issues the new
 * cookie through this; `stamp` is the account's generation and when a passkey was last checked.
 */
export async function startSession(
  c: Context<AppEnv>,
  kind: SessionKind,
  userId: string,
  stamp: SessionStamp = GUEST_STAMP,
): Promise<void> {
  await writeSession(c, sessionSecrets(c.env).current, kind, userId, stamp, Date.now());
  c.set("sessionHandled", true);
}

/** Sign-out and account deletion: the browser is a visitor again, and becomes a fresh guest when it next writes. */
export function endSession(c: Context<AppEnv>): void {
  clearSession(c);
  c.set("sessionHandled", true);
}
