import type { Context } from "hono";
import type { AppEnv } from "../http/app-types";
import type { UserStoreApi } from "./api";
import type { UserStore } from "./user-store";

/** The API plus the document library's calls, whose types come from worker/retrieval/library.ts. */
type StoreMethods = UserStoreApi &
  Pick<
    UserStore,
    | "countDocuments"
    | "addDocument"
    | "listDocuments"
    | "getDocument"
    | "deleteDocument"
    | "attachDocuments"
    | "detachDocument"
    | "conversationDocuments"
    | "searchDocuments"
  >;

/**
 * The store's RPC surface, derived from its one API definition: every method returns a promise.
 * Plain types on purpose: workers-types' Rpc.Result mapping recurses through the AI SDK's message
 * generics until TypeScript gives up, and these methods take and return plain data (and streams).
 */
export type UserStoreRpc = {
  [K in keyof StoreMethods]: (...args: Parameters<StoreMethods[K]>) => Promise<Awaited<ReturnType<StoreMethods[K]>>>;
};

/** The caller's own store: addressed by their signed user id, so nobody else's is reachable. */
export function userStore(c: Context<AppEnv>): UserStoreRpc {
  return c.env.USER_STORE.get(c.env.USER_STORE.idFromName(c.var.userId)) as unknown as UserStoreRpc;
}
