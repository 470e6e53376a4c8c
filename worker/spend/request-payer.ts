import type { Context } from "hono";
import type { AppEnv, Person } from "../http/app-types";
import { LOCAL_ADDRESS } from "./pools";
import type { Payer } from "./spend";

/** The client's address as Cloudflare gives it (CF-Connecting-IP); "local" without one (dev, tests): one client. */
export function clientAddress(c: Context<AppEnv>): string {
  return c.req.header("cf-connecting-ip")?.trim() || LOCAL_ADDRESS;
}

/** Who pays for this request's model calls: the caller (or `person`, e.g. an API key's owner), from where they are. */
export function requestPayer(c: Context<AppEnv>, person: Person = c.var.person): Payer {
  return { userId: c.var.userId, person, address: clientAddress(c) };
}
