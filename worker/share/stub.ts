import { onAccountDeleted, onGuestMerged } from "../auth/user-data";
import { namedStub, type PlainRpc } from "../rpc";
import type { Shares } from "./shares-object";

export type SharesRpc = PlainRpc<Pick<Shares, "share" | "read" | "list" | "revoke" | "revokeConversation" | "revokeAll" | "moveOwner">>;

/** The one object holding every link (worker/share/shares-object.ts). */
export function sharesStore(env: Env): SharesRpc {
  return namedStub<SharesRpc>(env.SHARES, "shares");
}

// Links follow their owner's account: gone with a deleted account, kept when a guest signs in.
onAccountDeleted.push(async (env, userId) => void (await sharesStore(env).revokeAll(userId)));
onGuestMerged.push((env, guestId, accountId) => sharesStore(env).moveOwner(guestId, accountId));
