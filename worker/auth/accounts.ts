import { DurableObject } from "cloudflare:workers";
import type { SignupMode } from "../../contract/auth";

/**
 * The records that span people, in one SQLite Durable Object (`idFromName("accounts")`): accounts,
 * their passkeys, short-lived WebAuthn challenges, invite links, the per-address count of new
 * identities and the old-format cookies already accepted. One object is one thread, so every check
 * and the write that follows it happen together: the count of new identities is exact, an invite is
 * used once, and only one account can become the first (the owner).
 * Per-person data (conversations, images, usage) stays in that person's UserStore.
 */
export class Accounts extends DurableObject<Env> {
  private readonly sql: SqlStorage;

  constructor(ctx: DurableObjectState, env: Env) {
    super(ctx, env);
    this.sql = ctx.storage.sql;
    this.sql.exec(`
      CREATE TABLE IF NOT EXISTS accounts (
        user_id TEXT PRIMARY KEY,
        name TEXT NOT NULL,
        owner INTEGER NOT NULL,
        created_at INTEGER NOT NULL
      );
      CREATE TABLE IF NOT EXISTS credentials (
        id TEXT PRIMARY KEY,
        user_id TEXT NOT NULL REFERENCES accounts(user_id) ON DELETE CASCADE,
        public_key BLOB NOT NULL,
        counter INTEGER NOT NULL,
        transports TEXT NOT NULL,
        created_at INTEGER NOT NULL,
        last_used_at INTEGER
      );
      CREATE INDEX IF NOT EXISTS credentials_by_user ON credentials (user_id);
      CREATE TABLE IF NOT EXISTS challenges (
        challenge TEXT PRIMARY KEY,
        purpose TEXT NOT NULL,
        body TEXT NOT NULL,
        expires_at INTEGER NOT NULL
      );
      CREATE TABLE IF NOT EXISTS invites (
        code TEXT PRIMARY KEY,
        created_by TEXT NOT NULL,
        created_at INTEGER NOT NULL
      );
      CREATE INDEX IF NOT EXISTS invites_by_creator ON invites (created_by);
      CREATE TABLE IF NOT EXISTS identity_mints (bucket TEXT NOT NULL, at INTEGER NOT NULL);
      CREATE INDEX IF NOT EXISTS identity_mints_by_bucket ON identity_mints (bucket, at);
      CREATE INDEX IF NOT EXISTS identity_mints_by_time ON identity_mints (at);
      CREATE TABLE IF NOT EXISTS legacy_claims (user_id TEXT PRIMARY KEY, at INTEGER NOT NULL);
    `);
  }

  /**
   * Counts one new identity for a client address, unless it already has `limit` in the last hour.
   * A rolling hour, exact: refusals are not counted, so waiting always helps.
   */
  mintIdentity(bucket: string, limit: number, now = Date.now()): { ok: true } | { ok: false; retryAfter: number } {
    const since = now - HOUR_MS;
    // Every address's old rows, not only this one's: the table holds at most the last hour.
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

  /** An old-format cookie is honoured once (then replaced): true the first time only. */
  claimLegacyId(userId: string, now = Date.now()): boolean {
    return this.sql.exec(`INSERT OR IGNORE INTO legacy_claims (user_id, at) VALUES (?, ?)`, userId, now).rowsWritten > 0;
  }

  getAccount(userId: string): AccountRecord | null {
    const row = this.sql.exec<AccountRow>(`SELECT * FROM accounts WHERE user_id = ?`, userId).toArray()[0];
    return row ? { userId: row.user_id, name: row.name, owner: row.owner === 1, createdAt: row.created_at } : null;
  }

  /** Whether a new account could be made now without an invite (the very first one always can). */
  signupState(): { accounts: number } {
    return { accounts: this.sql.exec<{ n: number }>(`SELECT COUNT(*) AS n FROM accounts`).one().n };
  }

  isUsableInvite(code: string): boolean {
    return this.sql.exec(`SELECT 1 FROM invites WHERE code = ?`, code).toArray().length > 0;
  }

  putChallenge(challenge: string, purpose: ChallengePurpose, body: ChallengeBody, now = Date.now()): void {
    this.sql.exec(`DELETE FROM challenges WHERE expires_at <= ?`, now);
    this.sql.exec(
      `INSERT INTO challenges (challenge, purpose, body, expires_at) VALUES (?, ?, ?, ?)`,
      challenge,
      purpose,
      JSON.stringify(body),
      now + CHALLENGE_MS,
    );
  }

  /** A challenge answers one ceremony only: it is removed as it is read, and is void once expired. */
  takeChallenge(challenge: string, purpose: ChallengePurpose, now = Date.now()): ChallengeBody | null {
    const row = this.sql
      .exec<{ body: string; expires_at: number; purpose: string }>(`SELECT * FROM challenges WHERE challenge = ?`, challenge)
      .toArray()[0];
    if (!row) return null;
    this.sql.exec(`DELETE FROM challenges WHERE challenge = ?`, challenge);
    return row.purpose === purpose && row.expires_at > now ? (JSON.parse(row.body) as ChallengeBody) : null;
  }

  /**
   * Makes an account (the guest's id stays its id) with its first passkey, if sign-up allows it now:
   * checked here, in the same turn as the write, so two people cannot use one invite or both become
   * the first account.
   */
  createAccount(
    input: { userId: string; name: string; credential: StoredCredential; signup: SignupMode; invite?: string },
    now = Date.now(),
  ): { ok: true; account: AccountRecord } | { ok: false; reason: "signup_closed" | "invite_required" | "exists" } {
    return this.ctx.storage.transactionSync(() => {
      if (this.getAccount(input.userId)) return { ok: false as const, reason: "exists" as const };
      const { accounts } = this.signupState();
      // The first account can always be made, or nobody could ever create an invite.
      if (accounts > 0 && input.signup === "closed") return { ok: false as const, reason: "signup_closed" as const };
      if (accounts > 0 && input.signup === "invite") {
        if (!input.invite || this.sql.exec(`DELETE FROM invites WHERE code = ?`, input.invite).rowsWritten === 0)
          return { ok: false as const, reason: "invite_required" as const };
      }
      const owner = this.sql.exec(`SELECT 1 FROM accounts WHERE owner = 1`).toArray().length === 0;
      this.sql.exec(
        `INSERT INTO accounts (user_id, name, owner, created_at) VALUES (?, ?, ?, ?)`,
        input.userId,
        input.name,
        owner ? 1 : 0,
        now,
      );
      this.insertCredential(input.userId, input.credential, now);
      return { ok: true as const, account: { userId: input.userId, name: input.name, owner, createdAt: now } };
    });
  }

  addCredential(userId: string, credential: StoredCredential, now = Date.now()): boolean {
    if (!this.getAccount(userId)) return false;
    this.insertCredential(userId, credential, now);
    return true;
  }

  getCredential(id: string): (StoredCredential & { userId: string }) | null {
    const row = this.sql.exec<CredentialRow>(`SELECT * FROM credentials WHERE id = ?`, id).toArray()[0];
    return row ? { userId: row.user_id, ...toCredential(row) } : null;
  }

  listCredentials(userId: string): (StoredCredential & { createdAt: number; lastUsedAt: number | null })[] {
    return this.sql
      .exec<CredentialRow>(`SELECT * FROM credentials WHERE user_id = ? ORDER BY created_at`, userId)
      .toArray()
      .map((row) => ({ ...toCredential(row), createdAt: row.created_at, lastUsedAt: row.last_used_at }));
  }

  /** After a sign-in: the authenticator's new signature counter (a clone shows up as one going back). */
  touchCredential(id: string, counter: number, now = Date.now()): void {
    this.sql.exec(`UPDATE credentials SET counter = ?, last_used_at = ? WHERE id = ?`, counter, now, id);
  }

  /** Removing the last passkey locks the account for good, so it takes an explicit `evenLast`. */
  deleteCredential(userId: string, id: string, evenLast: boolean): "deleted" | "not_found" | "last" {
    return this.ctx.storage.transactionSync(() => {
      const mine = this.sql.exec(`SELECT 1 FROM credentials WHERE id = ? AND user_id = ?`, id, userId).toArray().length > 0;
      if (!mine) return "not_found";
      const count = this.sql.exec<{ n: number }>(`SELECT COUNT(*) AS n FROM credentials WHERE user_id = ?`, userId).one().n;
      if (count <= 1 && !evenLast) return "last";
      this.sql.exec(`DELETE FROM credentials WHERE id = ?`, id);
      return "deleted";
    });
  }

  createInvite(userId: string, code: string, now = Date.now()): boolean {
    if (!this.getAccount(userId)) return false;
    const open = this.sql.exec<{ n: number }>(`SELECT COUNT(*) AS n FROM invites WHERE created_by = ?`, userId).one().n;
    // An invite is a new budget for someone; a bound keeps one account from minting them without end.
    if (open >= MAX_OPEN_INVITES) return false;
    this.sql.exec(`INSERT INTO invites (code, created_by, created_at) VALUES (?, ?, ?)`, code, userId, now);
    return true;
  }

  listInvites(userId: string): { code: string; createdAt: number }[] {
    return this.sql
      .exec<{ code: string; created_at: number }>(`SELECT code, created_at FROM invites WHERE created_by = ? ORDER BY created_at`, userId)
      .toArray()
      .map((r) => ({ code: r.code, createdAt: r.created_at }));
  }

  deleteInvite(userId: string, code: string): boolean {
    return this.sql.exec(`DELETE FROM invites WHERE code = ? AND created_by = ?`, code, userId).rowsWritten > 0;
  }

  /** The account's own records here: the account, its passkeys, its open invites. */
  deleteAccount(userId: string): void {
    this.ctx.storage.transactionSync(() => {
      this.sql.exec(`DELETE FROM credentials WHERE user_id = ?`, userId);
      this.sql.exec(`DELETE FROM invites WHERE created_by = ?`, userId);
      this.sql.exec(`DELETE FROM accounts WHERE user_id = ?`, userId);
    });
  }

  private insertCredential(userId: string, credential: StoredCredential, now: number) {
    this.sql.exec(
      `INSERT INTO credentials (id, user_id, public_key, counter, transports, created_at, last_used_at) VALUES (?, ?, ?, ?, ?, ?, NULL)`,
      credential.id,
      userId,
      credential.publicKey.slice().buffer,
      credential.counter,
      JSON.stringify(credential.transports ?? []),
      now,
    );
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
  /** register: a passkey for an existing account rather than a new account. */
  addToAccount?: boolean;
}

export interface AccountRecord {
  userId: string;
  name: string;
  owner: boolean;
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
  created_at: number;
}

interface CredentialRow extends Record<string, SqlStorageValue> {
  id: string;
  user_id: string;
  public_key: ArrayBuffer;
  counter: number;
  transports: string;
  created_at: number;
  last_used_at: number | null;
}

function toCredential(row: CredentialRow): StoredCredential {
  return {
    id: row.id,
    publicKey: new Uint8Array(row.public_key),
    counter: row.counter,
    transports: JSON.parse(row.transports) as string[],
  };
}

/** The one Accounts object. */
export function accountsStub(env: Env): DurableObjectStub<Accounts> {
  return env.ACCOUNTS.get(env.ACCOUNTS.idFromName("accounts"));
}
