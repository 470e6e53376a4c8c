import type { ShareLink } from "../../contract/share-api";
import { onAccountDeleted, onGuestMerged } from "../auth/account-hooks";
import { namedStub, type PlainRpc } from "../rpc";
import { SHARD_COUNTS, shardIndex, shardStub } from "../shared-state/shard";
import type { Shares } from "./shares-object";

type ShardRpc = PlainRpc<Pick<Shares, "read" | "putSnapshot" | "removeSnapshots">>;
type OwnerRpc = PlainRpc<Pick<Shares, "reserveLink" | "ownLinks" | "findLink" | "forgetLinks" | "adoptLinks">>;

/** Share links as the routes see them: each person's list in `owner:<userId>`, each snapshot in the `shares:N` shard of its token. */
export interface SharesRpc {
  /** Makes the conversation's link, or re-snapshots the one it has. "limit": the owner has too many. */
  share(
    owner: string,
    conversationId: string,
    title: string,
    snapshot: string,
    maxPerOwner: number,
  ): Promise<{ link: ShareLink; created: boolean } | "limit">;
  /** The snapshot JSON behind a token, or null once revoked (or never made). */
  read(token: string): Promise<string | null>;
  list(owner: string): Promise<ShareLink[]>;
  /** Only the owner's own token is removed: someone else's token is "not found" for them. */
  revoke(owner: string, token: string): Promise<boolean>;
  /** A deleted conversation takes its link with it. */
  revokeConversation(owner: string, conversationId: string): Promise<boolean>;
  /** A deleted account's links stop working at once. */
  revokeAll(owner: string): Promise<number>;
  /** A guest signed in to an account: their links keep working, now as the account's. */
  moveOwner(from: string, to: string): Promise<void>;
}

export function sharesStore(env: Pick<Env, "SHARES">): SharesRpc {
  return {
    share: (owner, conversationId, title, snapshot, max) => share(env, owner, conversationId, title, snapshot, max),
    // A visitor's read: the token's shard only.
    read: (token) => shard(env, token).read(token),
    list: (owner) => ownerLinks(env, owner).ownLinks(owner),
    revoke: (owner, token) => revokeWhere(env, owner, { token }),
    revokeConversation: (owner, conversationId) => revokeWhere(env, owner, { conversationId }),
    revokeAll: (owner) => revokeAll(env, owner),
    moveOwner: (from, to) => moveOwner(env, from, to),
  };
}

/** The place in the owner's list first (the limit, atomically; the same token on a re-share), then the snapshot in the token's shard. */
async function share(env: Pick<Env, "SHARES">, owner: string, conversationId: string, title: string, snapshot: string, max: number) {
  const list = ownerLinks(env, owner);
  const now = Date.now();
  const result = await list.reserveLink(owner, conversationId, title, now, max);
  if (result === "limit") return result;
  const { token } = result.link;
  try {
    await shard(env, token).putSnapshot(token, snapshot, now, result.created);
  } catch (error) {
    if (result.created) await list.forgetLinks(owner, [token]).catch(() => {});
    throw error;
  }
  // A revoke or an account deletion that ran meanwhile took the link off the list: its snapshot must not outlive it.
  if (!(await list.findLink(owner, { token }))) await shard(env, token).removeSnapshots([token]);
  return result;
}

/** The snapshot goes first, so the link fails from this moment; a retry after a failure finishes the list. */
async function revokeWhere(env: Pick<Env, "SHARES">, owner: string, by: { token: string } | { conversationId: string }): Promise<boolean> {
  const list = ownerLinks(env, owner);
  const link = await list.findLink(owner, by);
  if (!link) return false;
  await shard(env, link.token).removeSnapshots([link.token]);
  await list.forgetLinks(owner, [link.token]);
  return true;
}

async function revokeAll(env: Pick<Env, "SHARES">, owner: string): Promise<number> {
  const list = ownerLinks(env, owner);
  const tokens = (await list.ownLinks(owner)).map((l) => l.token);
  await removeSnapshots(env, tokens);
  await list.forgetLinks(owner, tokens);
  return tokens.length;
}

/** Snapshots stay where their tokens put them; only the lists change. A link the account already has for the same conversation wins. */
async function moveOwner(env: Pick<Env, "SHARES">, from: string, to: string): Promise<void> {
  const source = ownerLinks(env, from);
  const links = await source.ownLinks(from);
  if (!links.length) return;
  const refused = await ownerLinks(env, to).adoptLinks(to, links);
  await removeSnapshots(env, refused);
  await source.forgetLinks(
    from,
    links.map((l) => l.token),
  );
}

async function removeSnapshots(env: Pick<Env, "SHARES">, tokens: string[]): Promise<void> {
  const groups = new Map<number, string[]>();
  for (const token of tokens) {
    const index = shardIndex(token, SHARD_COUNTS.shares);
    groups.set(index, [...(groups.get(index) ?? []), token]);
  }
  await Promise.all([...groups.values()].map((group) => shard(env, group[0]).removeSnapshots(group)));
}

/** The `owner:<userId>` object of SHARES: that person's list of links. */
export function ownerLinks(env: Pick<Env, "SHARES">, owner: string): OwnerRpc {
  return namedStub<OwnerRpc>(env.SHARES, `owner:${owner}`);
}

function shard(env: Pick<Env, "SHARES">, token: string): ShardRpc {
  return shardStub<ShardRpc>(env.SHARES, "shares", token);
}

// Links follow their owner's account: gone with a deleted account, kept when a guest signs in.
onAccountDeleted.push(async (env, userId) => void (await sharesStore(env).revokeAll(userId)));
onGuestMerged.push((env, guestId, accountId) => sharesStore(env).moveOwner(guestId, accountId));
