import type { Context, MiddlewareHandler } from "hono";
import { AppError } from "../../contract/errors";
import type { AppEnv, Person } from "../http/app-types";
import { hashKey, looksLikeKey } from "../keys/key-format";
import { apiKeys } from "../keys/store";
import { limitAddress } from "../auth/address-limit";
import { accountRecord } from "../auth/account-store";
import { accessPerson } from "../auth/access";
import { authConfig } from "../auth/config";

/**
 * /v1 is authorised by API key only: no cookie is read or set there, so a browser tool calling it
 * cross-origin can never act with the person's session. The key acts as its owner: their user id
 * (their store, rate-limit bucket and budget).
 */
export const apiKeyAuth: MiddlewareHandler<AppEnv> = async (c, next) => {
  // Before anything else, malformed and wrong tokens included: the key's lookup shard is shared by
  // everyone whose key hashes there, so one address must not be able to keep it busy (429 past the limit).
  await limitAddress(c, "api-key");
  const key = /^Bearer +(\S+)$/i.exec(c.req.header("authorization") ?? "")?.[1];
  // Not even shaped like a key: refused without a lookup.
  const owner = key && looksLikeKey(key) ? await apiKeys(c.env).authenticate(await hashKey(key), Date.now()) : null;
  if (!owner) throw new AppError("invalid_api_key");
  c.set("userId", owner);
  // Only spending needs to know what kind of person owns the key: looked up while the route reads
  // its body and checks the rate limit, not before (keyOwner, below).
  const person = personOfKeyOwner(c.env, owner, c.req.header("cf-access-jwt-assertion"));
  person.catch(() => {}); // a failed lookup is thrown where it is awaited
  owners.set(c.req.raw, person);
  await next();
};

const owners = new WeakMap<Request, Promise<Person>>();

/** The person the request's key acts as (an account, or a guest); also set as `person` from then on. */
export async function keyOwner(c: Context<AppEnv>): Promise<Person> {
  const person = await (owners.get(c.req.raw) ?? c.var.person);
  c.set("person", person);
  return person;
}

/**
 * What kind of person owns the key, so the key spends from the right budget: an account's (looked up
 * each call in the owner's own account object, so a deleted account's keys, already revoked, could not
 * spend as one), else a guest's. A key can do no more than its owner could in the browser:
 * - GUESTS=off: a guest's key is refused (guests could no longer come in).
 * - Cloudflare Access: Access decides who gets in, so the request must carry a valid Access token too
 *   (a service token for scripts) and the key must be an Access identity's: keys made before Access
 *   was turned on (by guests or passkey accounts) are refused. Its spend counts as a guest's, as
 *   before: the key does not say which email made it.
 */
async function personOfKeyOwner(env: Env, userId: string, accessToken?: string): Promise<Person> {
  const config = authConfig(env);
  if (config.access) {
    await accessPerson(accessToken, config.access);
    if (!userId.startsWith("access-")) throw new AppError("api_key_refused");
    return { kind: "guest", owner: false };
  }
  const account = await accountRecord(env, userId);
  if (account) return { kind: "account", accountId: account.userId, name: account.name, owner: account.owner, approved: account.approved };
  if (!config.guests) throw new AppError("api_key_refused");
  return { kind: "guest", owner: false };
}
