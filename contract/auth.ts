import { z } from "zod";

/**
 * What the page and the Worker agree on about who is asking and how people get in: the session
 * summary, the WebAuthn ceremonies' request bodies, passkeys and invite links.
 */

export type SignupMode = "open" | "invite" | "closed";

/** The person as the page sees them; null when this browser has no identity yet (nothing written). */
export type SessionPerson =
  | { kind: "guest"; owner: false }
  | { kind: "account"; name: string; owner: boolean }
  | { kind: "access"; email: string; owner: boolean };

export interface SessionInfo {
  person: SessionPerson | null;
  /** How new accounts are made here; "off" under Cloudflare Access (it decides who gets in). */
  signup: SignupMode | "off";
  guests: boolean;
  passkeys: boolean;
  /** Present only when Turnstile guards the minting of guests. */
  turnstileSiteKey?: string;
}

export const ACCOUNT_NAME_MAX = 64;

/** A name for a new account: shown in the header and on the authenticator's account chooser. */
export const accountNameSchema = z
  .string()
  .trim()
  .min(1, "cannot be empty")
  .max(ACCOUNT_NAME_MAX, `must be at most ${ACCOUNT_NAME_MAX} characters`);

/** An invite link's code: 128-bit random, base64url. */
export const inviteCodeSchema = z.string().regex(/^[A-Za-z0-9_-]{22}$/, "is not an invite code");

/** OWNER_SETUP_TOKEN as the operator pasted it (`npm run owner-token` makes 43 base64url characters). */
export const ownerTokenSchema = z.string().trim().min(1, "cannot be empty").max(256, "is too long");

export const registrationOptionsRequestSchema = z.strictObject({
  /** Needed when the caller has no account yet (a new account); ignored when adding a passkey. */
  name: accountNameSchema.optional(),
  invite: inviteCodeSchema.optional(),
  /** The owner setup token: the new account becomes the owner (whatever SIGNUP says). */
  ownerToken: ownerTokenSchema.optional(),
});

/** POST /api/account/owner: an existing account becomes owner with the setup token. */
export const ownerRequestSchema = z.strictObject({ token: ownerTokenSchema });
export type RegistrationOptionsRequest = z.infer<typeof registrationOptionsRequestSchema>;

const base64url = z
  .string()
  .max(16_384)
  .regex(/^[A-Za-z0-9_-]*$/, "must be base64url");

/**
 * The browser's answers to the two ceremonies, as @simplewebauthn/browser serialises them. Checked
 * for shape and size here; the cryptography is checked by @simplewebauthn/server.
 */
const credentialCommon = {
  id: base64url.min(1),
  rawId: base64url.min(1),
  type: z.literal("public-key"),
  clientExtensionResults: z.record(z.string(), z.unknown()).default({}),
  authenticatorAttachment: z.enum(["platform", "cross-platform"]).optional(),
};

export const registrationVerifyRequestSchema = z.strictObject({
  response: z.looseObject({
    ...credentialCommon,
    response: z.looseObject({
      clientDataJSON: base64url.min(1),
      attestationObject: base64url.min(1),
      transports: z.array(z.string().max(32)).max(10).optional(),
    }),
  }),
});

export const authenticationVerifyRequestSchema = z.strictObject({
  response: z.looseObject({
    ...credentialCommon,
    response: z.looseObject({
      clientDataJSON: base64url.min(1),
      authenticatorData: base64url.min(1),
      signature: base64url.min(1),
      userHandle: base64url.optional(),
    }),
  }),
});

export const guestRequestSchema = z.strictObject({ turnstileToken: z.string().min(1).max(4096).optional() });

export interface Passkey {
  id: string;
  createdAt: number;
  lastUsedAt: number | null;
  /** What the authenticator said about itself, e.g. "internal" / "hybrid". */
  transports: string[];
}

export interface Invite {
  code: string;
  createdAt: number;
  /** The sign-up link to send: /account?invite=<code>. */
  url: string;
}
