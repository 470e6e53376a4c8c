import { Hono } from "hono";
import type { Invite } from "../../contract/auth";
import { inviteCodeSchema } from "../../contract/auth";
import { AppError } from "../../contract/errors";
import type { AppEnv } from "../http/app-types";
import { endSession } from "../http/identity";
import { randomId } from "../../contract/ids";
import { parseWith } from "../http/validate";
import { accountsStub } from "./accounts";
import { authConfig } from "./config";
import { requireAccount } from "./passkey-routes";
import { deleteAccountData } from "./user-data";

/** DELETE /api/account: the account and all its data; the browser is signed out. */
export const account = new Hono<AppEnv>().delete("/", async (c) => {
  const userId = requireAccount(c);
  await deleteAccountData(c.env, userId);
  endSession(c);
  return c.body(null, 204);
});

/** Single-use sign-up links, made by accounts, when SIGNUP=invite. */
export const invites = new Hono<AppEnv>()
  .use(async (c, next) => {
    if (authConfig(c.env).signup !== "invite") throw new AppError("not_found", 'Invite links are off here (SIGNUP is not "invite").');
    await next();
  })
  .get("/", async (c) => {
    const userId = requireAccount(c);
    const list = await accountsStub(c.env).listInvites(userId);
    return c.json({ invites: list.map((i) => toInvite(c.req.url, i.code, i.createdAt)) });
  })
  .post("/", async (c) => {
    const userId = requireAccount(c);
    const code = randomId();
    if (!(await accountsStub(c.env).createInvite(userId, code)))
      throw new AppError("too_large", "You have 50 unused invite links already. Withdraw some before making more.");
    return c.json({ invite: toInvite(c.req.url, code, Date.now()) }, 201);
  })
  .delete("/:code", async (c) => {
    const userId = requireAccount(c);
    const code = parseWith(inviteCodeSchema, c.req.param("code"));
    if (!(await accountsStub(c.env).deleteInvite(userId, code))) throw new AppError("not_found", "No such invite link.");
    return c.body(null, 204);
  });

function toInvite(requestUrl: string, code: string, createdAt: number): Invite {
  return { code, createdAt, url: `${new URL(requestUrl).origin}/account?invite=${code}` };
}
