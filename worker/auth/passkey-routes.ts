import {
  generateAuthenticationOptions,
  generateRegistrationOptions,
  verifyAuthenticationResponse,
  verifyRegistrationResponse,
} from "@simplewebauthn/server";
import type { AuthenticationResponseJSON, RegistrationResponseJSON } from "@simplewebauthn/server";
import { Hono, type Context } from "hono";
import {
  authenticationVerifyRequestSchema,
  registrationOptionsRequestSchema,
  registrationVerifyRequestSchema,
  type Passkey,
} from "../../contract/auth";
import { AppError } from "../../contract/errors";
import type { AppEnv } from "../http/app-types";
import { endSession, startSession } from "../http/identity";
import { readJson } from "../http/validate";
import { accountsStub, type ChallengeBody, type ChallengePurpose } from "./accounts";
import { authConfig, relyingParty } from "./config";
import { countNewIdentity } from "./guests";
import { fromBase64Url, randomId } from "../../contract/ids";
import { sessionInfo } from "./session-routes";
import { moveGuestInto } from "./user-data";

const RP_NAME = "Workers AI Chat";
const BODY_LIMIT = 64 * 1024;

/**
 * Passkeys (WebAuthn, checked by @simplewebauthn/server): make an account from the current guest
 * (same user id, so nothing moves), add passkeys to an account, sign in (a guest's data moves into
 * the account), list and remove passkeys, sign out. Challenges live in the Accounts object and
 * answer one ceremony, for the session that asked for them.
 */
export const passkeys = new Hono<AppEnv>()
  .use(async (c, next) => {
    if (authConfig(c.env).access) throw new AppError("passkeys_off");
    await next();
  })
  .post("/registration/options", async (c) => {
    const input = await readJson(c, registrationOptionsRequestSchema, BODY_LIMIT);
    const accounts = accountsStub(c.env);
    const signedIn = c.var.signedIn;
    const account = signedIn?.kind === "account" ? await accounts.getAccount(signedIn.userId) : null;
    let body: ChallengeBody;
    if (account) {
      body = { userId: account.userId, name: account.name, askedBy: account.userId, addToAccount: true };
    } else {
      await checkSignupAllowed(c, input.invite);
      if (!input.name) throw new AppError("bad_request", "Give the account a name (name).");
      // A guest keeps its id; someone with no session gets a new one, counted when the account is made.
      body = { userId: signedIn?.userId ?? randomId(), name: input.name, askedBy: signedIn?.userId ?? null, invite: input.invite };
    }
    const existing = account ? await accounts.listCredentials(account.userId) : [];
    const options = await generateRegistrationOptions({
      rpName: RP_NAME,
      ...rpIdOnly(c),
      userName: body.name!,
      userDisplayName: body.name,
      userID: new Uint8Array(new TextEncoder().encode(body.userId)),
      attestationType: "none",
      excludeCredentials: existing.map((cred) => ({ id: cred.id, transports: cred.transports })),
      // Discoverable: signing in on another browser needs no user name.
      authenticatorSelection: { residentKey: "required", userVerification: "preferred" },
    });
    await accounts.putChallenge(options.challenge, "register", body);
    return c.json(options);
  })
  .post("/registration/verify", async (c) => {
    const { response } = await readJson(c, registrationVerifyRequestSchema, BODY_LIMIT);
    const { challenge, body } = await takeChallenge(c, response.response.clientDataJSON, "register");
    const { rpID, origin } = relyingParty(c.env, c.req.url);
    const verification = await verifyRegistrationResponse({
      response: response as unknown as RegistrationResponseJSON,
      expectedChallenge: challenge,
      expectedOrigin: origin,
      expectedRPID: rpID,
      requireUserVerification: false,
    }).catch((error: unknown) => {
      throw new AppError("passkey_failed", `The passkey could not be checked: ${(error as Error).message}`);
    });
    if (!verification.verified) throw new AppError("passkey_failed");
    const { credential } = verification.registrationInfo;
    const stored = {
      id: credential.id,
      publicKey: credential.publicKey,
      counter: credential.counter,
      transports: credential.transports ?? [],
    };
    const accounts = accountsStub(c.env);
    if (body.addToAccount) {
      if (!(await accounts.addCredential(body.userId!, stored))) throw new AppError("account_required");
      return c.json({ added: true });
    }
    if (!body.askedBy) await countNewIdentity(c, authConfig(c.env));
    const made = await accounts.createAccount({
      userId: body.userId!,
      name: body.name!,
      credential: stored,
      signup: authConfig(c.env).signup,
      invite: body.invite,
    });
    if (!made.ok)
      throw new AppError(
        made.reason === "exists" ? "bad_request" : made.reason,
        made.reason === "exists" ? "This browser is already an account." : undefined,
      );
    await startSession(c, "account", made.account.userId);
    return c.json(sessionInfo(c, { kind: "account", name: made.account.name, owner: made.account.owner }));
  })
  .post("/authentication/options", async (c) => {
    const options = await generateAuthenticationOptions({ ...rpIdOnly(c), userVerification: "preferred" });
    await accountsStub(c.env).putChallenge(options.challenge, "authenticate", { askedBy: c.var.signedIn?.userId ?? null });
    return c.json(options);
  })
  .post("/authentication/verify", async (c) => {
    const { response } = await readJson(c, authenticationVerifyRequestSchema, BODY_LIMIT);
    const { challenge } = await takeChallenge(c, response.response.clientDataJSON, "authenticate");
    const accounts = accountsStub(c.env);
    const credential = await accounts.getCredential(response.id);
    if (!credential)
      throw new AppError(
        "passkey_failed",
        "This passkey is not registered here (it may have been removed). Use another passkey, or create an account.",
      );
    const { rpID, origin } = relyingParty(c.env, c.req.url);
    const verification = await verifyAuthenticationResponse({
      response: response as unknown as AuthenticationResponseJSON,
      expectedChallenge: challenge,
      expectedOrigin: origin,
      expectedRPID: rpID,
      credential: {
        id: credential.id,
        publicKey: new Uint8Array(credential.publicKey),
        counter: credential.counter,
        transports: credential.transports,
      },
      requireUserVerification: false,
    }).catch((error: unknown) => {
      throw new AppError("passkey_failed", `The passkey could not be checked: ${(error as Error).message}`);
    });
    if (!verification.verified) throw new AppError("passkey_failed");
    await accounts.touchCredential(credential.id, verification.authenticationInfo.newCounter);
    const account = await accounts.getAccount(credential.userId);
    if (!account) throw new AppError("passkey_failed", "The account of this passkey no longer exists.");
    const signedIn = c.var.signedIn;
    // What this browser made as a guest is the person's too: it joins the account, never dropped.
    if (signedIn?.kind === "guest" && signedIn.userId !== account.userId) await moveGuestInto(c.env, signedIn.userId, account.userId);
    await startSession(c, "account", account.userId);
    return c.json(sessionInfo(c, { kind: "account", name: account.name, owner: account.owner }));
  })
  .get("/passkeys", async (c) => {
    const userId = requireAccount(c);
    const list = await accountsStub(c.env).listCredentials(userId);
    return c.json({
      passkeys: list.map((p): Passkey => ({ id: p.id, createdAt: p.createdAt, lastUsedAt: p.lastUsedAt, transports: p.transports ?? [] })),
    });
  })
  .delete("/passkeys/:id", async (c) => {
    const userId = requireAccount(c);
    const outcome = await accountsStub(c.env).deleteCredential(userId, c.req.param("id"), c.req.query("confirm") === "last");
    if (outcome === "not_found") throw new AppError("not_found", "No such passkey on this account.");
    if (outcome === "last") throw new AppError("last_passkey");
    return c.body(null, 204);
  })
  .post("/sign-out", (c) => {
    // A guest's data is reachable only through its cookie: signing a guest out would lose it for good.
    if (c.var.signedIn?.kind === "guest")
      throw new AppError(
        "account_required",
        "A guest cannot sign out: everything you did is kept only in this browser. Create a passkey first.",
      );
    endSession(c);
    return c.body(null, 204);
  });

export function requireAccount(c: Context<AppEnv>): string {
  const person = c.var.person;
  if (person.kind !== "account") throw new AppError("account_required");
  return person.accountId;
}

async function checkSignupAllowed(c: Context<AppEnv>, invite: string | undefined): Promise<void> {
  const { signup } = authConfig(c.env);
  if (signup === "open") return;
  const accounts = accountsStub(c.env);
  // The first account can always be made (it becomes the owner), or nobody could invite anyone.
  if ((await accounts.signupState()).accounts === 0) return;
  if (signup === "closed") throw new AppError("signup_closed");
  if (!invite || !(await accounts.isUsableInvite(invite)))
    throw new AppError("invite_required", invite ? "That invite link was already used or withdrawn. Ask for a new one." : undefined);
}

function rpIdOnly(c: Context<AppEnv>): { rpID: string } {
  return { rpID: relyingParty(c.env, c.req.url).rpID };
}

/** The challenge the browser signed, taken (single use) from the Accounts object, for the session that asked. */
async function takeChallenge(
  c: Context<AppEnv>,
  clientDataJSON: string,
  purpose: ChallengePurpose,
): Promise<{ challenge: string; body: ChallengeBody }> {
  const bytes = fromBase64Url(clientDataJSON);
  let challenge: unknown;
  try {
    challenge = bytes && (JSON.parse(new TextDecoder().decode(bytes)) as { challenge?: unknown }).challenge;
  } catch {
    challenge = undefined;
  }
  if (typeof challenge !== "string" || !/^[A-Za-z0-9_-]{16,128}$/.test(challenge))
    throw new AppError("passkey_failed", "The passkey answer is not readable.");
  const body = await accountsStub(c.env).takeChallenge(challenge, purpose);
  if (!body || (body.askedBy ?? null) !== (c.var.signedIn?.userId ?? null)) {
    throw new AppError("passkey_failed", "That passkey request expired or was already used. Try again.");
  }
  return { challenge, body };
}
