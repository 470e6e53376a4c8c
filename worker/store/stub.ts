import type { Context } from "hono";
import type { AppEnv } from "../http/app-types";
import { namedStub, type PlainRpc } from "../rpc";
import type { UserStoreApi } from "./api";

/** The store's RPC surface, derived from its features' classes (./api.ts). */
export type UserStoreRpc = PlainRpc<UserStoreApi>;

/** The caller's own store: addressed by their signed user id, so nobody else's is reachable. */
export function userStore(c: Context<AppEnv>): UserStoreRpc {
  return namedStub<UserStoreRpc>(c.env.USER_STORE, c.var.userId);
}
