import { DurableObject } from "cloudflare:workers";
import { SHARD_COUNTS, shardIndex } from "../shared-state/shard";
import {
  LEGACY_ACCOUNTS_NAME,
  legacyAccountSlice,
  legacyCredentialSlice,
  legacyInviteSlice,
  type LegacyAccountSlice,
} from "./legacy-accounts";

/**
 * Sign-in records, one class whose instances each play the role their name gives them
 * (docs: naming after issue 22; addresses in ./account-store.ts):
 * - `account:<userId>`: one account (name, owner, approved, session generation), its passkeys and the
 *   invites it made. Only that person's requests reach it, so it is asked on each of them.
 * - `credentials:N`: passkey credential id → account, for a sign-in that names only the credential.
 * - `challenges:N`: WebAuthn challenges, by challenge, for five minutes.
 * - `invites:N`: invite code → the account that made it (used once: taken in one turn).
 * - `addresses:N`: new identities per client address bucket, exact over a rolling hour.
 * - `owner-setup`: which owner setup tokens were used (touched only when someone sets up an owner).
 * - `accounts`: the singleton of older deployments, read once per successor (./legacy-accounts.ts).
 * An instance creates every table; the ones of other roles stay empty.
 */
export class Accounts extends DurableObject<Env> {
  private readonly sql: SqlStorage;
  private importing: Promise<void> | null = null;

  constructor(ctx: DurableObjectState, env: Env) {
    super(ctx, env);
    this.sql = ctx.storage.sql;
    this.sql.exec(`
      CREATE TABLE IF NOT EXISTS role_meta (key TEXT PRIMARY KEY, value TEXT NOT NULL);
      CREATE TABLE IF NOT EXISTS account (
        user_id TEXT PRIMARY KEY, name TEXT NOT NULL, owner INTEGER NOT NULL, approved INTEGER NOT NULL,
        generation INTEGER NOT NULL, created_at INTEGER NOT NULL
      );
      CREATE TABLE IF NOT EXISTS passkeys (
        id TEXT PRIMARY KEY, public_key BLOB NOT NULL, counter INTEGER NOT NULL, transports TEXT NOT NULL,
        created_at INTEGER NOT NULL, last_used_at INTEGER
      );
      CREATE TABLE IF NOT EXISTS my_invites (code TEXT PRIMARY KEY, created_at INTEGER NOT NULL);
      CREATE TABLE IF NOT EXISTS credential_owners (id TEXT PRIMARY KEY, user_id TEXT NOT NULL);
      CREATE TABLE IF NOT EXISTS challenge_rows (challenge TEXT PRIMARY KEY, purpose TEXT NOT NULL, body TEXT NOT NULL, expires_at INTEGER NOT NULL);
      CREATE TABLE IF NOT EXISTS invite_owners (code TEXT PRIMARY KEY, created_by TEXT NOT NULL, created_at INTEGER NOT NULL);
      CREATE TABLE IF NOT EXISTS identity_mints (bucket TEXT NOT NULL, at INTEGER NOT NULL);
      CREATE INDEX IF NOT EXISTS identity_mints_by_bucket ON identity_mints (bucket, at);
      CREATE INDEX IF NOT EXISTS identity_mints_by_time ON identity_mints (at);
      CREATE TABLE IF NOT EXISTS owner_setup_uses (token_hash TEXT PRIMARY KEY, user_id TEXT NOT NULL, at INTEGER NOT NULL);
    `);
  }

  // ---- account:<userId> ----

  /**
   * A user id minted now (a guest, a new account) has nothing in the old singleton: recorded at birth,
   * so looking it up later never asks the singleton.
   */
  born(): void {
    this.setMeta("imported", "1");
    this.setMeta("born", "1");
  }

  /**
   * Whether this id was minted after the move off the singletons (born(), or a new account's fresh id):
   * then no legacy object holds anything of it, and the person's key and link lists need not ask.
   */
  bornAfterMigration(): boolean {
    return this.getMeta("born") !== null;
  }

  getAccount(userId: string): Promise<AccountRecord | null> {
    return this.afterImport(userId, () => this.readAccount());
  }

  /** The old `uid` cookie of this id is honoured once: true the first time only (and never for an account). */
  claimLegacyGuest(userId: string): Promise<{ account: boolean; first: boolean }> {
    return this.afterImport(userId, () => {
      if (this.readAccount()) return { account: true, first: false };
      const first = this.getMeta("legacy_claimed") === null;
      this.setMeta("legacy_claimed", "1");
      return { account: false, first };
    });
  }

  /** A new account with its first passkey; its id was just minted, so there is nothing to import. */
  createAccount(
    input: { userId: string; name: string; owner: boolean; approved: boolean; credential: StoredCredential },
    now = Date.now(),
  ) {
    return this.ctx.storage.transactionSync((): AccountRecord | null => {
      // Only a fresh object is a fresh id; one that imported or was born already keeps its marks.
      if (this.getMeta("imported") === null) this.setMeta("born", "1");
      this.setMeta("imported", "1");
      if (this.readAccount()) return null;
      this.sql.exec(
        `INSERT INTO account (user_id, name, owner, approved, generation, created_at) VALUES (?, ?, ?, ?, 0, ?)`,
        input.userId,
        input.name,
        input.owner ? 1 : 0,
        input.approved ? 1 : 0,
        now,
      );
      this.insertPasskey(input.credential, now);
      return this.readAccount();
    });
  }

  addPasskey(userId: string, credential: StoredCredential, now = Date.now()): Promise<boolean> {
    return this.afterImport(userId, () => {
      if (!this.readAccount()) return false;
      this.insertPasskey(credential, now);
      return true;
    });
  }

  getPasskey(userId: string, id: string): Promise<StoredCredential | null> {
    return this.afterImport(userId, () => {
      const row = this.sql.exec<PasskeyRow>(`SELECT * FROM passkeys WHERE id = ?`, id).toArray()[0];
      return row ? toCredential(row) : null;
    });
  }

  listPasskeys(userId: string): Promise<(StoredCredential & { createdAt: number; lastUsedAt: number | null })[]> {
    return this.afterImport(userId, () =>
      this.sql
        .exec<PasskeyRow>(`SELECT * FROM passkeys ORDER BY created_at`)
        .toArray()
        .map((row) => ({ ...toCredential(row), createdAt: row.created_at, lastUsedAt: row.last_used_at })),
    );
  }

  /** After a sign-in: the authenticator's new signature counter (a clone shows up as one going back). */
  touchPasskey(userId: string, id: string, counter: number, now = Date.now()): Promise<void> {
    return this.afterImport(userId, () => {
      this.sql.exec(`UPDATE passkeys SET counter = ?, last_used_at = ? WHERE id = ?`, counter, now, id);
    });
  }

  /**
   * Removing the last passkey locks the account for good, so it takes an explicit `evenLast`. A
   * removed passkey may have been the lost or stolen one: every session ends (the generation moves).
   */
  deletePasskey(userId: string, id: string, evenLast: boolean): Promise<{ outcome: "deleted" | "not_found" | "last"; generation: number }> {
    return this.afterImport(userId, () =>
      this.ctx.storage.transactionSync(() => {
        const generation = this.readAccount()?.generation ?? 0;
        if (!this.sql.exec(`SELECT 1 FROM passkeys WHERE id = ?`, id).toArray().length)
          return { outcome: "not_found" as const, generation };
        const count = this.sql.exec<{ n: number }>(`SELECT COUNT(*) AS n FROM passkeys`).one().n;
        if (count <= 1 && !evenLast) return { outcome: "last" as const, generation };
        this.sql.exec(`DELETE FROM passkeys WHERE id = ?`, id);
        return { outcome: "deleted" as const, generation: this.bump() };
      }),
    );
  }

  /** Ends every session of the account: cookies carry the generation they were issued in. */
  signOutEverywhere(userId: string): Promise<number | null> {
    return this.afterImport(userId, () => (this.readAccount() ? this.bump() : null));
  }

  makeOwner(userId: string): Promise<boolean> {
    return this.afterImport(userId, () => this.sql.exec(`UPDATE account SET owner = 1, approved = 1`).rowsWritten > 0);
  }

  addInvite(userId: string, code: string, now = Date.now()): Promise<boolean> {
    return this.afterImport(userId, () => {
      if (!this.readAccount()) return false;
      // An invite is a new budget for someone; a bound keeps one account from minting them without end.
      if (this.sql.exec<{ n: number }>(`SELECT COUNT(*) AS n FROM my_invites`).one().n >= MAX_OPEN_INVITES) return false;
      this.sql.exec(`INSERT INTO my_invites (code, created_at) VALUES (?, ?)`, code, now);
      return true;
    });
  }

  listInvites(userId: string): Promise<{ code: string; createdAt: number }[]> {
    return this.afterImport(userId, () =>
      this.sql
        .exec<{ code: string; created_at: number }>(`SELECT code, created_at FROM my_invites ORDER BY created_at`)
        .toArray()
        .map((r) => ({ code: r.code, createdAt: r.created_at })),
    );
  }

  /** Withdrawn by its maker, or used by someone: gone from the maker's list. */
  removeInvite(userId: string, code: string): Promise<boolean> {
    return this.afterImport(userId, () => this.sql.exec(`DELETE FROM my_invites WHERE code = ?`, code).rowsWritten > 0);
  }

  /** Everything of the account here; returns what the shards index, so the caller removes that too. */
  deleteAccount(userId: string): Promise<{ passkeys: string[]; invites: string[] }> {
    return this.afterImport(userId, () =>
      this.ctx.storage.transactionSync(() => {
        const passkeys = this.sql
          .exec<{ id: string }>(`SELECT id FROM passkeys`)
          .toArray()
          .map((r) => r.id);
        const invites = this.sql
          .exec<{ code: string }>(`SELECT code FROM my_invites`)
          .toArray()
          .map((r) => r.code);
        this.sql.exec(`DELETE FROM passkeys`);
        this.sql.exec(`DELETE FROM my_invites`);
        this.sql.exec(`DELETE FROM account`);
        return { passkeys, invites };
      }),
    );
  }

  // ---- credentials:N ----

  credentialOwner(id: string): Promise<string | null> {
    return this.afterShardImport("credentials", id, () => {
      return this.sql.exec<{ user_id: string }>(`SELECT user_id FROM credential_owners WHERE id = ?`, id).toArray()[0]?.user_id ?? null;
    });
  }

  putCredentialOwner(id: string, userId: string): Promise<void> {
    return this.afterShardImport("credentials", id, () => {
      this.sql.exec(`INSERT OR REPLACE INTO credential_owners (id, user_id) VALUES (?, ?)`, id, userId);
    });
  }

  removeCredentialOwner(id: string, userId: string): Promise<void> {
    return this.afterShardImport("credentials", id, () => {
      this.sql.exec(`DELETE FROM credential_owners WHERE id = ? AND user_id = ?`, id, userId);
    });
  }

  // ---- challenges:N (not carried over from the singleton: they last five minutes) ----

  putChallenge(challenge: string, purpose: ChallengePurpose, body: ChallengeBody, now = Date.now()): void {
    this.sql.exec(`DELETE FROM challenge_rows WHERE expires_at <= ?`, now);
    this.sql.exec(
      `INSERT INTO challenge_rows (challenge, purpose, body, expires_at) VALUES (?, ?, ?, ?)`,
      challenge,
      purpose,
      JSON.stringify(body),
      now + CHALLENGE_MS,
    );
  }

  /** A challenge answers one ceremony only: it is removed as it is read, and is void once expired. */
  takeChallenge(challenge: string, purpose: ChallengePurpose, now = Date.now()): ChallengeBody | null {
    const row = this.sql
      .exec<{ body: string; expires_at: number; purpose: string }>(`SELECT * FROM challenge_rows WHERE challenge = ?`, challenge)
      .toArray()[0];
    if (!row) return null;
    this.sql.exec(`DELETE FROM challenge_rows WHERE challenge = ?`, challenge);
    return row.purpose === purpose && row.expires_at > now ? (JSON.parse(row.body) as ChallengeBody) : null;
  }

  // ---- invites:N ----

  putInviteOwner(code: string, userId: string, now = Date.now()): Promise<void> {
    return this.afterShardImport("invites", code, () => {
      this.sql.exec(`INSERT INTO invite_owners (code, created_by, created_at) VALUES (?, ?, ?)`, code, userId, now);
    });
  }

  inviteExists(code: string): Promise<boolean> {
    return this.afterShardImport(
      "invites",
      code,
      () => this.sql.exec(`SELECT 1 FROM invite_owners WHERE code = ?`, code).toArray().length > 0,
    );
  }

  /** Uses an invite: removed in the same turn as it is read, so two people cannot both use it. Returns its maker. */
  takeInvite(code: string): Promise<string | null> {
    return this.afterShardImport("invites", code, () => {
      const row = this.sql.exec<{ created_by: string }>(`SELECT created_by FROM invite_owners WHERE code = ?`, code).toArray()[0];
      if (!row) return null;
      this.sql.exec(`DELETE FROM invite_owners WHERE code = ?`, code);
      return row.created_by;
    });
  }

  removeInviteOwner(code: string, userId: string): Promise<boolean> {
    return this.afterShardImport(
      "invites",
      code,
      () => this.sql.exec(`DELETE FROM invite_owners WHERE code = ? AND created_by = ?`, code, userId).rowsWritten > 0,
    );
  }

  // ---- addresses:N (not carried over: a rolling hour) ----

  /**
   * Counts one new identity for a client address, unless it already has `limit` in the last hour.
   * A rolling hour, exact: refusals are not counted, so waiting always helps.
   */
  mintIdentity(bucket: string, limit: number, now = Date.now()): { ok: true } | { ok: false; retryAfter: number } {
    const since = now - HOUR_MS;
    // Every bucket's old rows in this shard, not only this one's: the table holds at most the last hour.
    this.sql.exec(`DELETE FROM identity_mints WHERE at <= ?`, since);
    const recent = this.sql
      .exec<{ n: number; oldest: number | null }>(`SELECT COUNT(*) AS n, MIN(at) AS oldest FROM identity_mints WHERE bucket = ?`, bucket)
      .one();
    if (recent.n >= limit) {
      const freeAt = (recent.oldest ?? now) + HOUR_MS;
      return { ok: false, retryAfter: Math.max(1, Math.ceil((freeAt - now) / 1000)) };
    }
    this.sql.exec(`INSERT INTO identity_mints (bucket, at) VALUES (?, ?)`, bucket, now);
    return { ok: true };
  }

  // ---- owner-setup ----

  ownerSetupUsed(tokenHash: string): boolean {
    return this.sql.exec(`SELECT 1 FROM owner_setup_uses WHERE token_hash = ?`, tokenHash).toArray().length > 0;
  }

  /** A token makes one owner: true for the first caller only. */
  useOwnerSetup(tokenHash: string, userId: string, now = Date.now()): boolean {
    return (
      this.sql.exec(`INSERT OR IGNORE INTO owner_setup_uses (token_hash, user_id, at) VALUES (?, ?, ?)`, tokenHash, userId, now)
        .rowsWritten > 0
    );
  }

  // ---- accounts (the legacy singleton): read by its successors, once each ----

  exportAccountSlice(userId: string): LegacyAccountSlice {
    return legacyAccountSlice(this.sql, userId);
  }

  exportCredentialSlice(index: number, count: number) {
    return legacyCredentialSlice(this.sql, index, count);
  }

  exportInviteSlice(index: number, count: number) {
    return legacyInviteSlice(this.sql, index, count);
  }

  // ---- inside ----

  private legacy(): DurableObjectStub<Accounts> {
    return this.env.ACCOUNTS.get(this.env.ACCOUNTS.idFromName(LEGACY_ACCOUNTS_NAME));
  }

  /** Runs `read` once this instance holds its slice of the old singleton (asked the first time only). */
  private async importOnce(load: () => Promise<void>): Promise<void> {
    if (this.getMeta("imported") !== null) return;
    // One import at a time: requests that arrive while the singleton answers wait for the same one.
    this.importing ??= load().finally(() => {
      this.importing = null;
    });
    await this.importing;
  }

  private async afterImport<T>(userId: string, read: () => T): Promise<T> {
    await this.importOnce(async () => {
      const slice = await this.legacy().exportAccountSlice(userId);
      this.ctx.storage.transactionSync(() => {
        if (this.getMeta("imported") !== null) return;
        if (slice.account)
          this.sql.exec(
            // Accounts from before the approved flag keep the account budget they had.
            `INSERT OR IGNORE INTO account (user_id, name, owner, approved, generation, created_at) VALUES (?, ?, ?, 1, 0, ?)`,
            userId,
            slice.account.name,
            slice.account.owner ? 1 : 0,
            slice.account.createdAt,
          );
        for (const p of slice.passkeys)
          this.sql.exec(
            `INSERT OR IGNORE INTO passkeys (id, public_key, counter, transports, created_at, last_used_at) VALUES (?, ?, ?, ?, ?, ?)`,
            p.id,
            p.publicKey,
            p.counter,
            p.transports,
            p.createdAt,
            p.lastUsedAt,
          );
        for (const i of slice.invites)
          this.sql.exec(`INSERT OR IGNORE INTO my_invites (code, created_at) VALUES (?, ?)`, i.code, i.createdAt);
        if (slice.claimed) this.setMeta("legacy_claimed", "1");
        this.setMeta("imported", "1");
      });
    });
    return read();
  }

  private async afterShardImport<T>(namespace: "credentials" | "invites", key: string, read: () => T): Promise<T> {
    await this.importOnce(async () => {
      const index = shardIndex(key, SHARD_COUNTS[namespace]);
      const legacy = this.legacy();
      const rows =
        namespace === "credentials"
          ? (await legacy.exportCredentialSlice(index, SHARD_COUNTS.credentials)).map((r) => ({ code: r.id, owner: r.userId, at: 0 }))
          : (await legacy.exportInviteSlice(index, SHARD_COUNTS.invites)).map((r) => ({
              code: r.code,
              owner: r.createdBy,
              at: r.createdAt,
            }));
      this.ctx.storage.transactionSync(() => {
        if (this.getMeta("imported") !== null) return;
        for (const row of rows) {
          if (namespace === "credentials")
            this.sql.exec(`INSERT OR IGNORE INTO credential_owners (id, user_id) VALUES (?, ?)`, row.code, row.owner);
          else
            this.sql.exec(
              `INSERT OR IGNORE INTO invite_owners (code, created_by, created_at) VALUES (?, ?, ?)`,
              row.code,
              row.owner,
              row.at,
            );
        }
        this.setMeta("imported", "1");
      });
    });
    return read();
  }

  private readAccount(): AccountRecord | null {
    const row = this.sql.exec<AccountRow>(`SELECT * FROM account`).toArray()[0];
    return row
      ? {
          userId: row.user_id,
          name: row.name,
          owner: row.owner === 1,
          approved: row.approved === 1,
          generation: row.generation,
          createdAt: row.created_at,
        }
      : null;
  }

  private bump(): number {
    return this.sql.exec<{ generation: number }>(`UPDATE account SET generation = generation + 1 RETURNING generation`).one().generation;
  }

  private insertPasskey(credential: StoredCredential, now: number) {
    this.sql.exec(
      `INSERT INTO passkeys (id, public_key, counter, transports, created_at, last_used_at) VALUES (?, ?, ?, ?, ?, NULL)`,
      credential.id,
      credential.publicKey.slice().buffer,
      credential.counter,
      JSON.stringify(credential.transports ?? []),
      now,
    );
  }

  private getMeta(key: string): string | null {
    return this.sql.exec<{ value: string }>(`SELECT value FROM role_meta WHERE key = ?`, key).toArray()[0]?.value ?? null;
  }

  private setMeta(key: string, value: string): void {
    this.sql.exec(`INSERT OR REPLACE INTO role_meta (key, value) VALUES (?, ?)`, key, value);
  }
}

const HOUR_MS = 60 * 60 * 1000;
/** Long enough for a person to find their authenticator; short enough that a stolen one is stale. */
const CHALLENGE_MS = 5 * 60 * 1000;
const MAX_OPEN_INVITES = 50;

export type ChallengePurpose = "register" | "authenticate";
export interface ChallengeBody {
  /** register: the id the account will have, and whose session asked (null: none). */
  userId?: string;
  askedBy?: string | null;
  name?: string;
  invite?: string;
  /** register: the owner setup token was given and checked (its hash, to be used at verify). */
  ownerSetup?: string;
  /** register: a passkey for an existing account rather than a new account. */
  addToAccount?: boolean;
}

export interface AccountRecord {
  userId: string;
  name: string;
  owner: boolean;
  /** Made with an invite, or the owner: gets the account budget (worker/spend/). */
  approved: boolean;
  /** Moves on "sign out everywhere", passkey removal: a cookie of an older generation is refused. */
  generation: number;
  createdAt: number;
}

export interface StoredCredential {
  id: string;
  publicKey: Uint8Array;
  counter: number;
  transports?: string[];
}

interface AccountRow extends Record<string, SqlStorageValue> {
  user_id: string;
  name: string;
  owner: number;
  approved: number;
  generation: number;
  created_at: number;
}

interface PasskeyRow extends Record<string, SqlStorageValue> {
  id: string;
  public_key: ArrayBuffer;
  counter: number;
  transports: string;
  created_at: number;
  last_used_at: number | null;
}

function toCredential(row: PasskeyRow): StoredCredential {
  return {
    id: row.id,
    publicKey: new Uint8Array(row.public_key),
    counter: row.counter,
    transports: JSON.parse(row.transports) as string[],
  };
}
