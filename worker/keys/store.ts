import { onAccountDeleted, onGuestMerged } from "../auth/user-data";
import { namedStub, type PlainRpc } from "../rpc";
import type { ApiKeyInfo, ApiKeys } from "./api-keys";

export type ApiKeysRpc = PlainRpc<Pick<ApiKeys, "create" | "list" | "revoke" | "authenticate" | "deleteAllOf" | "moveAll">>;
export type { ApiKeyInfo };

/** The deployment's one key registry. */
export function apiKeys(env: Pick<Env, "API_KEYS">): ApiKeysRpc {
  return namedStub<ApiKeysRpc>(env.API_KEYS, "registry");
}

/** Hook for account deletion (the accounts branch's `onAccountDeleted(env, userId)` list). */
export async function deleteKeysOf(env: Pick<Env, "API_KEYS">, userId: string): Promise<number> {
  return apiKeys(env).deleteAllOf(userId);
}

/** Hook for a guest's data moving to an account: their keys keep working, now as the account. */
export async function moveKeys(env: Pick<Env, "API_KEYS">, fromUserId: string, toUserId: string): Promise<number> {
  return apiKeys(env).moveAll(fromUserId, toUserId);
}

// A deleted account's keys die with it; a guest's keys follow them into the account they sign in to.
onAccountDeleted.push(async (env, userId) => void (await deleteKeysOf(env, userId)));
onGuestMerged.push(async (env, guestId, accountId) => void (await moveKeys(env, guestId, accountId)));
