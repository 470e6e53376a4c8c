import { Hono, type Context } from "hono";
import { guestRequestSchema, type SessionInfo } from "../../contract/auth";
import type { AppEnv } from "../http/app-types";
import { startSession } from "./identity";
import { readJson } from "../http/validate";
import { authConfig } from "./config";
import { mintGuest } from "./guests";

/** What the page needs to know first: who this is, and which ways in this deployment offers. */
export function sessionInfo(c: Context<AppEnv>, override?: SessionInfo["person"]): SessionInfo {
  const config = authConfig(c.env);
  const person = c.var.person;
  const current: SessionInfo["person"] =
    person.kind === "access"
      ? person
      : !c.var.signedIn
        ? null
        : person.kind === "account"
          ? { kind: "account", name: person.name, owner: person.owner }
          : { kind: "guest", owner: false };
  return {
    person: override === undefined ? current : override,
    signup: config.access ? "off" : config.signup,
    guests: config.guests,
    passkeys: !config.access,
    ...(config.turnstile && config.guests ? { turnstileSiteKey: config.turnstile.siteKey } : {}),
  };
}

export const session = new Hono<AppEnv>()
  .get("/", (c) => c.json(sessionInfo(c)))
  /**
   * An explicit new guest, for the page when Turnstile is on (it carries the widget's token). Without
   * Turnstile the first write makes the guest by itself; either way the per-address count applies.
   */
  .post("/guest", async (c) => {
    const { turnstileToken } = await readJson(c, guestRequestSchema, 8192);
    if (c.var.signedIn) return c.json(sessionInfo(c));
    const userId = await mintGuest(c, authConfig(c.env), turnstileToken);
    await startSession(c, "guest", userId);
    return c.json(sessionInfo(c, { kind: "guest", owner: false }));
  });
