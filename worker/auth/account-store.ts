import { shardName } from "../shared-state/shard";
import type { AccountRecord, Accounts } from "./accounts";

/**
 * Where each sign-in record lives (worker/auth/accounts.ts has the roles). A person's own account
 * object is asked on each of their requests; the shards only at sign-up, sign-in and for new visitors.
 */
type Namespace = Pick<DurableObjectNamespace<Accounts>, "get" | "idFromName">;

function named(objects: Namespace, name: string): DurableObjectStub<Accounts> {
  return objects.get(objects.idFromName(name));
}

/** The account object of a user id (whether or not that id is an account). */
export function accountStub(env: Env, userId: string): DurableObjectStub<Accounts> {
  return named(env.ACCOUNTS, `account:${userId}`);
}

/** True when the id was minted after the move off the singletons, so nothing of it is in a legacy object (asks only its own object). */
export function bornAfterMigration(env: Env, userId: string): Promise<boolean> {
  return accountStub(env, userId).bornAfterMigration();
}

export function credentialShard(env: Env, credentialId: string): DurableObjectStub<Accounts> {
  return named(env.ACCOUNTS, shardName("credentials", credentialId));
}

export function challengeShard(env: Env, challenge: string): DurableObjectStub<Accounts> {
  return named(env.ACCOUNTS, shardName("challenges", challenge));
}

export function inviteShard(env: Env, code: string): DurableObjectStub<Accounts> {
  return named(env.ACCOUNTS, shardName("invites", code));
}

export function addressShard(env: Env, bucket: string): DurableObjectStub<Accounts> {
  return named(env.ACCOUNTS, shardName("addresses", bucket));
}

/** Touched only when someone sets up an owner with the setup token, never on a person's requests. */
export function ownerSetupStub(env: Env): DurableObjectStub<Accounts> {
  return named(env.ACCOUNTS, "owner-setup");
}

/** The account a user id is, or null (a guest, an Access identity, a deleted account). */
export async function accountRecord(env: Env, userId: string): Promise<AccountRecord | null> {
  return accountStub(env, userId).getAccount(userId);
}

/** An account's records: its own object, and its passkeys' and invites' entries in the shards. */
export async function deleteAccountRecords(env: Env, userId: string): Promise<void> {
  const { passkeys, invites } = await accountStub(env, userId).deleteAccount(userId);
  await Promise.all([
    ...passkeys.map((id) => credentialShard(env, id).removeCredentialOwner(id, userId)),
    ...invites.map((code) => inviteShard(env, code).removeInviteOwner(code, userId)),
  ]);
}
