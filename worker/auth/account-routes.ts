import { Hono } from "hono";
import type { Invite } from "../../contract/auth";
import { inviteCodeSchema, ownerRequestSchema } from "../../contract/auth";
import { AppError } from "../../contract/errors";
import { randomId } from "../../contract/ids";
import type { AppEnv } from "../http/app-types";
import { endSession } from "./identity";
import { parseWith, readJson } from "../http/validate";
import { accountStub, inviteShard } from "./account-store";
import { authConfig } from "./config";
import { requireFreshPasskey } from "./fresh-check";
import { checkOwnerToken, useOwnerToken } from "./owner-setup";
import { requireAccount } from "./passkey-routes";
import { sessionInfo } from "./session-routes";
import { deleteAccountData } from "../store/person-data/user-data";

export const account = new Hono<AppEnv>()
  /** DELETE /api/account: the account and all its data, after a recent passkey check; the browser is signed out. */
  .delete("/", async (c) => {
    const userId = requireAccount(c);
    requireFreshPasskey(c);
    await deleteAccountData(c.env, userId);
    endSession(c);
    return c.body(null, 204);
  })
  /**
   * POST /api/account/owner: this account becomes an owner with the owner setup token (for someone
   * who made their account before setting the token up), after a recent passkey check.
   */
  .post("/owner", async (c) => {
    const userId = requireAccount(c);
    const { token } = await readJson(c, ownerRequestSchema, 4096);
    requireFreshPasskey(c);
    const hash = await checkOwnerToken(c.env, token);
    await useOwnerToken(c.env, hash, userId);
    await accountStub(c.env, userId).makeOwner(userId);
    const person = c.var.person;
    return c.json(sessionInfo(c, { kind: "account", name: person.kind === "account" ? person.name : "", owner: true }));
  });

/** Single-use sign-up links, made by accounts, when SIGNUP=invite. */
export const invites = new Hono<AppEnv>()
  .use(async (c, next) => {
    if (authConfig(c.env).signup !== "invite") throw new AppError("not_found", 'Invite links are off here (SIGNUP is not "invite").');
    await next();
  })
  .get("/", async (c) => {
    const userId = requireAccount(c);
    const list = await accountStub(c.env, userId).listInvites(userId);
    return c.json({ invites: list.map((i) => toInvite(c.req.url, i.code, i.createdAt)) });
  })
  .post("/", async (c) => {
    const userId = requireAccount(c);
    const code = randomId();
    const now = Date.now();
    if (!(await accountStub(c.env, userId).addInvite(userId, code, now)))
      throw new AppError("too_large", "You have 50 unused invite links already. Withdraw some before making more.");
    await inviteShard(c.env, code).putInviteOwner(code, userId, now);
    return c.json({ invite: toInvite(c.req.url, code, now) }, 201);
  })
  .delete("/:code", async (c) => {
    const userId = requireAccount(c);
    const code = parseWith(inviteCodeSchema, c.req.param("code"));
    if (!(await accountStub(c.env, userId).removeInvite(userId, code))) throw new AppError("not_found", "No such invite link.");
    await inviteShard(c.env, code).removeInviteOwner(code, userId);
    return c.body(null, 204);
  });

function toInvite(requestUrl: string, code: string, createdAt: number): Invite {
  return { code, createdAt, url: `${new URL(requestUrl).origin}/account?invite=${code}` };
}
