import type { Context } from "hono";
import type { AppEnv } from "../http/app-types";
import type { UserStore } from "./user-store";

type StoreMethods = Pick<UserStore, "listConversations" | "conversationIds" | "visionThreadIds" | "getConversation" | "saveHistory" | "abandonAnswer" | "saveAnswer" | "hasConversation" | "updateConversation" | "deleteConversation" | "saveImage" | "checkRoomForImages" | "listImages" | "getImage" | "deleteImage"
  | "addVisionImage" | "getVisionImage" | "listVisionThreads" | "getVisionThread" | "saveVisionHistory" | "saveVisionAnswer" | "deleteVisionThread"
  | "countDocuments" | "addDocument" | "listDocuments" | "getDocument" | "deleteDocument" | "attachDocuments" | "detachDocument" | "conversationDocuments" | "searchDocuments">;

/**
 * The store's RPC surface with plain types: workers-types' Rpc.Result mapping recurses through the
 * AI SDK's message generics until TypeScript gives up, and these methods return plain JSON data.
 */
export type UserStoreRpc = { [K in keyof StoreMethods]: (...args: Parameters<StoreMethods[K]>) => Promise<Awaited<ReturnType<StoreMethods[K]>>> };

/** The caller's own store: addressed by their signed user id, so nobody else's is reachable. */
export function userStore(c: Context<AppEnv>): UserStoreRpc {
  return c.env.USER_STORE.get(c.env.USER_STORE.idFromName(c.var.userId)) as unknown as UserStoreRpc;
}
