import { type BecameAccount, onAccountDeleted, onGuestMerged } from "../../auth/account-hooks";
import { accountRecord, deleteAccountRecords } from "../../auth/account-store";
import type { UserStore } from "../user-store";

/**
 * R2 prefixes that hold a user's objects, each as `<prefix>/<userId>/<id>` (worker/images/media.ts,
 * worker/vision/uploads.ts, worker/retrieval/library.ts). A feature that stores objects per user adds
 * its prefix here, so a merge moves them and a deleted account leaves none behind.
 */
export const USER_MEDIA_PREFIXES = ["images", "uploads", "pending-uploads", "documents"];

function store(env: Env, userId: string): DurableObjectStub<UserStore> {
  return env.USER_STORE.get(env.USER_STORE.idFromName(userId));
}

/**
 * Moves everything a guest has into an account (a passkey sign-in on a browser that was a guest):
 * objects are copied first, then the rows imported, and only then is anything of the guest's
 * removed. A failure part-way leaves the guest whole, and a retry is harmless (copies overwrite,
 * and the import records which guest it took in).
 */
export async function moveGuestInto(
  env: Env,
  guestId: string,
  accountId: string,
  how: BecameAccount = "sign-in",
): Promise<{ rows: number; objects: number }> {
  // Never an account as the source: that would hand one person's account to whoever signs in.
  if (await accountRecord(env, guestId)) throw new Error(`moveGuestInto: ${guestId} is an account, not a guest`);
  const keys = await listUserObjects(env.MEDIA, guestId);
  for (const key of keys) {
    const object = await env.MEDIA.get(key);
    if (!object) continue;
    await env.MEDIA.put(renameOwner(key, guestId, accountId), object.body, {
      httpMetadata: object.httpMetadata,
      customMetadata: object.customMetadata,
    });
  }
  const guest = store(env, guestId);
  const dump = await guest.exportData();
  const { added } = await store(env, accountId).importData(guestId, dump);
  for (const move of onGuestMerged) await move(env, guestId, accountId, how);
  // The import moved the guest's vectors to the account (same ids): deleting them here would take the account's.
  await guest.deleteEverything({ vectorsMoved: true });
  await deleteObjects(env.MEDIA, keys);
  return { rows: added, objects: keys.length };
}

/** An account and everything it has: other features' records, R2 objects, its store and its vectors, its passkeys. */
export async function deleteAccountData(env: Env, userId: string): Promise<void> {
  for (const cleanup of onAccountDeleted) await cleanup(env, userId);
  await deleteObjects(env.MEDIA, await listUserObjects(env.MEDIA, userId));
  await store(env, userId).deleteEverything();
  await deleteAccountRecords(env, userId);
}

export async function listUserObjects(media: R2Bucket, userId: string): Promise<string[]> {
  const keys: string[] = [];
  for (const prefix of USER_MEDIA_PREFIXES) {
    let cursor: string | undefined;
    do {
      const page = await media.list({ prefix: `${prefix}/${userId}/`, cursor });
      keys.push(...page.objects.map((o) => o.key));
      cursor = page.truncated ? page.cursor : undefined;
    } while (cursor);
  }
  return keys;
}

async function deleteObjects(media: R2Bucket, keys: string[]): Promise<void> {
  // R2 deletes up to 1,000 keys per call.
  for (let i = 0; i < keys.length; i += 1000) await media.delete(keys.slice(i, i + 1000));
}

function renameOwner(key: string, from: string, to: string): string {
  const [prefix, owner, ...rest] = key.split("/");
  if (owner !== from) throw new Error(`R2 key ${key} is not under ${from}`);
  return [prefix, to, ...rest].join("/");
}
