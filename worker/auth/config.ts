import type { SignupMode } from "../../contract/auth";

/**
 * Optional secrets and vars of the sign-in features. Secrets are not in wrangler.jsonc's `vars`, so
 * the generated Env does not list them; they are read through this type instead (Env fits it).
 */
export interface AuthEnv {
  SESSION_SECRET: string;
  SESSION_SECRET_PREVIOUS?: string;
  GUESTS?: string;
  GUESTS_PER_ADDRESS_PER_HOUR?: string;
  SIGNUP?: string;
  TURNSTILE_SITE_KEY?: string;
  TURNSTILE_SECRET_KEY?: string;
  TURNSTILE_VERIFY_URL?: string;
  WEBAUTHN_RP_ID?: string;
  WEBAUTHN_ORIGIN?: string;
  ACCESS_TEAM_DOMAIN?: string;
  ACCESS_AUD?: string;
  ACCESS_CERTS_URL?: string;
  ACCESS_OWNER_EMAILS?: string;
  /** One-time token that makes its holder owner (./owner-setup.ts). */
  OWNER_SETUP_TOKEN?: string;
}

export interface AuthConfig {
  guests: boolean;
  guestsPerAddressPerHour: number;
  signup: SignupMode;
  turnstile: { siteKey: string; secretKey: string; verifyUrl: string } | null;
  access: { teamDomain: string; audience: string; certsUrl: string; ownerEmails: Set<string> } | null;
}

export const DEFAULT_GUESTS_PER_ADDRESS_PER_HOUR = 10;
export const TURNSTILE_SITEVERIFY = "https://challenges.cloudflare.com/turnstile/v0/siteverify";

/** Reads the sign-in settings; an unreadable value falls back to the safe default, never to "anything goes". */
export function authConfig(env: AuthEnv): AuthConfig {
  const limit = Number(env.GUESTS_PER_ADDRESS_PER_HOUR);
  const signup = env.SIGNUP?.trim().toLowerCase();
  const team = env.ACCESS_TEAM_DOMAIN?.trim()
    .replace(/^https?:\/\//, "")
    .replace(/\/+$/, "");
  const aud = env.ACCESS_AUD?.trim();
  const access =
    team && aud
      ? {
          teamDomain: team,
          audience: aud,
          certsUrl: env.ACCESS_CERTS_URL?.trim() || `https://${team}/cdn-cgi/access/certs`,
          ownerEmails: new Set(
            (env.ACCESS_OWNER_EMAILS ?? "")
              .split(",")
              .map((e) => e.trim().toLowerCase())
              .filter(Boolean),
          ),
        }
      : null;
  const siteKey = env.TURNSTILE_SITE_KEY?.trim();
  const secretKey = env.TURNSTILE_SECRET_KEY?.trim();
  return {
    // Access decides who gets in; guests would be a way around it.
    guests: !access && env.GUESTS?.trim().toLowerCase() !== "off",
    guestsPerAddressPerHour: Number.isInteger(limit) && limit >= 0 ? limit : DEFAULT_GUESTS_PER_ADDRESS_PER_HOUR,
    signup: signup === "invite" || signup === "closed" ? signup : "open",
    turnstile: siteKey && secretKey ? { siteKey, secretKey, verifyUrl: env.TURNSTILE_VERIFY_URL?.trim() || TURNSTILE_SITEVERIFY } : null,
    access,
  };
}

/** Secrets that verify session cookies: the current one signs, the previous one only verifies. */
export function sessionSecrets(env: AuthEnv): { current: string; previous?: string } {
  if (!env.SESSION_SECRET) throw new Error("SESSION_SECRET is not set: run `wrangler secret put SESSION_SECRET`.");
  return { current: env.SESSION_SECRET, previous: env.SESSION_SECRET_PREVIOUS || undefined };
}

/** WebAuthn's relying party: this site, as the request reached it, unless configured. */
export function relyingParty(env: AuthEnv, requestUrl: string): { rpID: string; origin: string } {
  const url = new URL(requestUrl);
  return { rpID: env.WEBAUTHN_RP_ID?.trim() || url.hostname, origin: env.WEBAUTHN_ORIGIN?.trim() || url.origin };
}
