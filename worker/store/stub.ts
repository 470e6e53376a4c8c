import type { Context } from "hono";
import type { AppEnv } from "../http/app-types";
import { namedStub, type PlainRpc } from "../rpc";
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
    | "listConnectors"
    | "addConnector"
    | "refreshConnector"
    | "setConnectorToken"
    | "switchConnectorTool"
    | "removeConnector"
    | "startConnectorOAuth"
    | "finishConnectorOAuth"
  >;

/** The store's RPC surface, derived from its one API definition. */
export type UserStoreRpc = PlainRpc<StoreMethods>;

/** The caller's own store: addressed by their signed user id, so nobody else's is reachable. */
export function userStore(c: Context<AppEnv>): UserStoreRpc {
  return namedStub<UserStoreRpc>(c.env.USER_STORE, c.var.userId);
}
