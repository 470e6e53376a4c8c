import type { MiddlewareHandler } from "hono";
import { AppError } from "../../contract/errors";
import type { AppEnv, Person } from "../http/app-types";
import { hashKey, looksLikeKey } from "../keys/key-format";
import { apiKeys } from "../keys/store";

/**
 * /v1 is authorised by API key only: no cookie is read or set there, so a browser tool calling it
 * cross-origin can never act with the person's session. The key acts as its owner: their user id
 * (their store, rate-limit bucket and budget).
 */
export const apiKeyAuth: MiddlewareHandler<AppEnv> = async (c, next) => {
  const key = /^Bearer +(\S+)$/i.exec(c.req.header("authorization") ?? "")?.[1];
  // Not even shaped like a key: refused without a lookup.
  const owner = key && looksLikeKey(key) ? await apiKeys(c.env).authenticate(await hashKey(key), Date.now()) : null;
  if (!owner) throw new AppError("invalid_api_key");
  c.set("userId", owner);
  c.set("person", personOfKeyOwner(owner));
  await next();
};

/**
 * What kind of person owns the key. Identity is guest-only today; when accounts land, the registry
 * should store the owner's Person beside the key (or resolve it from the user id) and return it here.
 */
function personOfKeyOwner(_userId: string): Person {
  return { kind: "guest", owner: false };
}
