import { onAccountDeleted, onGuestMerged } from "../auth/user-data";
import type { ShareLink } from "../../contract/share-api";

/** The shares object's RPC surface with plain types (see store/stub.ts for why). */
export interface SharesRpc {
  share(
    owner: string,
    conversationId: string,
    title: string,
    snapshot: string,
    maxPerOwner: number,
  ): Promise<{ link: ShareLink; created: boolean } | "limit">;
  read(token: string): Promise<string | null>;
  list(owner: string): Promise<ShareLink[]>;
  revoke(owner: string, token: string): Promise<boolean>;
  revokeConversation(owner: string, conversationId: string): Promise<boolean>;
  revokeAll(owner: string): Promise<number>;
  moveOwner(from: string, to: string): Promise<void>;
}

/** The one object holding every link (worker/share/shares-object.ts). */
export function sharesStore(env: Env): SharesRpc {
  return env.SHARES.get(env.SHARES.idFromName("shares")) as unknown as SharesRpc;
}

// Links follow their owner's account: gone with a deleted account, kept when a guest signs in.
onAccountDeleted.push(async (env, userId) => void (await sharesStore(env).revokeAll(userId)));
onGuestMerged.push((env, guestId, accountId) => sharesStore(env).moveOwner(guestId, accountId));
