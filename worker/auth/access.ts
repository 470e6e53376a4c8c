import { createRemoteJWKSet, jwtVerify, type JWTVerifyGetKey } from "jose";
import { AppError } from "../../contract/errors";
import type { Person } from "../http/app-types";
import type { AuthConfig } from "./config";

type AccessSettings = NonNullable<AuthConfig["access"]>;

/** jose caches the team's keys (and refetches on an unknown key id); one set per certs URL. */
const keySets = new Map<string, JWTVerifyGetKey>();
function keysFor(certsUrl: string): JWTVerifyGetKey {
  let keys = keySets.get(certsUrl);
  if (!keys) {
    keys = createRemoteJWKSet(new URL(certsUrl));
    keySets.set(certsUrl, keys);
  }
  return keys;
}

/**
 * The person behind a Cloudflare Access token (`Cf-Access-Jwt-Assertion`): signature against the
 * team's certs, audience, issuer and expiry, all checked by jose. Their data lives under an id
 * derived from the token's subject, so a changed email keeps the same data.
 */
export async function accessPerson(token: string | undefined, settings: AccessSettings): Promise<{ userId: string; person: Person }> {
  if (!token) throw new AppError("access_denied");
  let payload;
  try {
    ({ payload } = await jwtVerify(token, keysFor(settings.certsUrl), {
      audience: settings.audience,
      issuer: `https://${settings.teamDomain}`,
      algorithms: ["RS256", "ES256"],
      requiredClaims: ["sub", "exp"],
    }));
  } catch {
    throw new AppError("access_denied");
  }
  const email = typeof payload.email === "string" ? payload.email : "";
  const userId = `access-${await hashId(`${payload.iss}|${payload.sub}`)}`;
  return { userId, person: { kind: "access", email, owner: settings.ownerEmails.has(email.toLowerCase()) } };
}

async function hashId(text: string): Promise<string> {
  const digest = new Uint8Array(await crypto.subtle.digest("SHA-256", new TextEncoder().encode(text)));
  return Array.from(digest.slice(0, 16), (b) => b.toString(16).padStart(2, "0")).join("");
}
