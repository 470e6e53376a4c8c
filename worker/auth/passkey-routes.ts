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
import { fromBase64Url, randomId } from "../../contract/ids";
import type { AppEnv } from "../http/app-types";
import { endSession, startSession } from "./identity";
import { readJson } from "../http/validate";
import { accountStub, challengeShard, credentialShard, inviteShard } from "./account-store";
import type { ChallengeBody, ChallengePurpose, StoredCredential } from "./accounts";
import { limitAddress } from "./address-limit";
import { authConfig, relyingParty } from "./config";
import { requireFreshPasskey } from "./fresh-check";
import { countNewIdentity } from "./guests";
import { checkOwnerToken, useOwnerToken } from "./owner-setup";
import { sessionInfo } from "./session-routes";
import { moveGuestInto } from "../store/person-data/user-data";

const RP_NAME = "Workers AI Chat";
const BODY_LIMIT = 64 * 1024;

/**
 * Passkeys (WebAuthn, checked by @simplewebauthn/server): make an account (always a new user id; the
 * current guest's data moves into it, so the guest's old cookie names nothing of the account), add
 * passkeys to an account, sign in (a guest's data moves into the account), list and remove passkeys,
 * sign out here or everywhere. Challenges live in the `challenges:N` shards and answer one ceremony,
 * for the session that asked for them; the ceremonies pass the per-address limit first.
 */
export const passkeys = new Hono<AppEnv>()
  .use(async (c, next) => {
    if (authConfig(c.env).access) throw new AppError("passkeys_off");
    if (c.req.path.includes("/registration/") || c.req.path.includes("/authentication/")) await limitAddress(c, "passkey");
    await next();
  })
  .post("/registration/options", async (c) => {
    const input = await readJson(c, registrationOptionsRequestSchema, BODY_LIMIT);
    const signedIn = c.var.signedIn;
    const person = c.var.person;
    let body: ChallengeBody;
    let existing: StoredCredential[] = [];
    if (person.kind === "account") {
      requireFreshPasskey(c);
      body = { userId: person.accountId, name: person.name, askedBy: person.accountId, addToAccount: true };
      existing = await accountStub(c.env, person.accountId).listPasskeys(person.accountId);
    } else {
      if (!input.name) throw new AppError("bad_request", "Give the account a name (name).");
      const ownerSetup = input.ownerToken ? await checkOwnerToken(c.env, input.ownerToken) : undefined;
      if (!ownerSetup) await checkSignupAllowed(c, input.invite);
      // Always a new id: a guest's data moves in at verify, and the guest's cookie names nothing of the account.
      body = { userId: randomId(), name: input.name, askedBy: signedIn?.userId ?? null, invite: input.invite, ownerSetup };
    }
    const options = await generateRegistrationOptions({
      rpName: RP_NAME,
      ...rpIdOnly(c),
      userName: body.name!,
      userDisplayName: body.name,
      userID: new Uint8Array(new TextEncoder().encode(body.userId)),
      attestationType: "none",
      excludeCredentials: existing.map((cred) => ({ id: cred.id, transports: cred.transports as never })),
      // Discoverable: signing in on another browser needs no user name.
      authenticatorSelection: { residentKey: "required", userVerification: "preferred" },
    });
    await challengeShard(c.env, options.challenge).putChallenge(options.challenge, "register", body);
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
    if (body.addToAccount) {
      const userId = body.userId!;
      if (!(await accountStub(c.env, userId).addPasskey(userId, stored))) throw new AppError("account_required");
      await credentialShard(c.env, stored.id).putCredentialOwner(stored.id, userId);
      return c.json({ added: true });
    }
    return c.json(await createAccount(c, body, stored));
  })
  .post("/authentication/options", async (c) => {
    const options = await generateAuthenticationOptions({ ...rpIdOnly(c), userVerification: "preferred" });
    await challengeShard(c.env, options.challenge).putChallenge(options.challenge, "authenticate", {
      askedBy: c.var.signedIn?.userId ?? null,
    });
    return c.json(options);
  })
  .post("/authentication/verify", async (c) => {
    const { response } = await readJson(c, authenticationVerifyRequestSchema, BODY_LIMIT);
    const { challenge } = await takeChallenge(c, response.response.clientDataJSON, "authenticate");
    const userId = await credentialShard(c.env, response.id).credentialOwner(response.id);
    const accountObject = userId ? accountStub(c.env, userId) : null;
    const credential = userId && accountObject ? await accountObject.getPasskey(userId, response.id) : null;
    if (!userId || !accountObject || !credential)
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
        transports: credential.transports as never,
      },
      requireUserVerification: false,
    }).catch((error: unknown) => {
      throw new AppError("passkey_failed", `The passkey could not be checked: ${(error as Error).message}`);
    });
    if (!verification.verified) throw new AppError("passkey_failed");
    await accountObject.touchPasskey(userId, credential.id, verification.authenticationInfo.newCounter);
    const account = await accountObject.getAccount(userId);
    if (!account) throw new AppError("passkey_failed", "The account of this passkey no longer exists.");
    const signedIn = c.var.signedIn;
    // What this browser made as a guest is the person's too: it joins the account, never dropped.
    if (signedIn?.kind === "guest") await moveGuestInto(c.env, signedIn.userId, account.userId, "sign-in");
    // Also the answer to "Confirm with your passkey": the same account, with a fresh check time.
    await startSession(c, "account", account.userId, { generation: account.generation, verifiedAt: nowSeconds() });
    return c.json(sessionInfo(c, { kind: "account", name: account.name, owner: account.owner }));
  })
  .get("/passkeys", async (c) => {
    const userId = requireAccount(c);
    const list = await accountStub(c.env, userId).listPasskeys(userId);
    return c.json({
      passkeys: list.map((p): Passkey => ({ id: p.id, createdAt: p.createdAt, lastUsedAt: p.lastUsedAt, transports: p.transports ?? [] })),
    });
  })
  .delete("/passkeys/:id", async (c) => {
    const userId = requireAccount(c);
    const id = c.req.param("id");
    const { outcome, generation } = await accountStub(c.env, userId).deletePasskey(userId, id, c.req.query("confirm") === "last");
    if (outcome === "not_found") throw new AppError("not_found", "No such passkey on this account.");
    if (outcome === "last") throw new AppError("last_passkey");
    await credentialShard(c.env, id).removeCredentialOwner(id, userId);
    // Every other browser is signed out (the removed passkey may be the lost one); this one goes on.
    await startSession(c, "account", userId, { generation, verifiedAt: c.var.signedIn?.verifiedAt ?? 0 });
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
  })
  /** Every browser signed in to this account, this one included, is signed out (a lost phone, a shared computer). */
  .post("/sign-out-everywhere", async (c) => {
    const userId = requireAccount(c);
    await accountStub(c.env, userId).signOutEverywhere(userId);
    endSession(c);
    return c.body(null, 204);
  });

export function requireAccount(c: Context<AppEnv>): string {
  const person = c.var.person;
  if (person.kind !== "account") throw new AppError("account_required");
  return person.accountId;
}

/**
 * A new account under the SIGNUP mode (checked before the ceremony, and again as it is made). There is
 * no exception for a deployment without accounts: its first owner comes with the owner setup token.
 */
async function checkSignupAllowed(c: Context<AppEnv>, invite: string | undefined): Promise<void> {
  const { signup } = authConfig(c.env);
  if (signup === "open") return;
  if (signup === "closed") throw new AppError("signup_closed");
  if (!invite || !(await inviteShard(c.env, invite).inviteExists(invite)))
    throw new AppError("invite_required", invite ? "That invite link was already used or withdrawn. Ask for a new one." : undefined);
}

/**
 * Makes the account the registration asked for: with the owner setup token it is the owner; with an
 * invite (used here, once) it is approved; by open sign-up it is neither, and spends the guest budget.
 */
async function createAccount(c: Context<AppEnv>, body: ChallengeBody, credential: StoredCredential) {
  const config = authConfig(c.env);
  const userId = body.userId!;
  if (!body.askedBy) await countNewIdentity(c, config);
  let owner = false;
  let approved = false;
  if (body.ownerSetup) {
    await useOwnerToken(c.env, body.ownerSetup, userId);
    owner = approved = true;
  } else if (config.signup === "closed") {
    throw new AppError("signup_closed");
  } else if (config.signup === "invite") {
    const maker = body.invite ? await inviteShard(c.env, body.invite).takeInvite(body.invite) : null;
    if (!maker || !body.invite) throw new AppError("invite_required", "That invite link was already used or withdrawn. Ask for a new one.");
    await accountStub(c.env, maker).removeInvite(maker, body.invite);
    approved = true;
  }
  const account = await accountStub(c.env, userId).createAccount({ userId, name: body.name!, owner, approved, credential });
  if (!account) throw new AppError("bad_request", "This account already exists.");
  await credentialShard(c.env, credential.id).putCredentialOwner(credential.id, userId);
  const signedIn = c.var.signedIn;
  if (signedIn?.kind === "guest") await moveGuestInto(c.env, signedIn.userId, userId, "sign-up");
  await startSession(c, "account", userId, { generation: account.generation, verifiedAt: nowSeconds() });
  return sessionInfo(c, { kind: "account", name: account.name, owner: account.owner });
}

function nowSeconds(): number {
  return Math.floor(Date.now() / 1000);
}

function rpIdOnly(c: Context<AppEnv>): { rpID: string } {
  return { rpID: relyingParty(c.env, c.req.url).rpID };
}

/** The challenge the browser signed, taken (single use) from its shard, for the session that asked. */
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
  const body = await challengeShard(c.env, challenge).takeChallenge(challenge, purpose);
  if (!body || (body.askedBy ?? null) !== (c.var.signedIn?.userId ?? null)) {
    throw new AppError("passkey_failed", "That passkey request expired or was already used. Try again.");
  }
  return { challenge, body };
}
