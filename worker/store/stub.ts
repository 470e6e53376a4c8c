import type { Context } from "hono";
import type { AppEnv } from "../http/app-types";
import type { UserStoreApi } from "./api";

/**
 * The store's RPC surface, derived from its one API definition: every method returns a promise.
 * Plain types on purpose: workers-types' Rpc.Result mapping recurses through the AI SDK's message
 * generics until TypeScript gives up, and these methods take and return plain data (and streams).
 */
export type UserStoreRpc = { [K in keyof UserStoreApi]: (...args: Parameters<UserStoreApi[K]>) => Promise<Awaited<ReturnType<UserStoreApi[K]>>> };

/** The caller's own store: addressed by their signed user id, so nobody else's is reachable. */
export function userStore(c: Context<AppEnv>): UserStoreRpc {
  return c.env.USER_STORE.get(c.env.USER_STORE.idFromName(c.var.userId)) as unknown as UserStoreRpc;
}
