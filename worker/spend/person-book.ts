import { type Pool, type PoolShard, seenDryUntil } from "./leases";

/** Who spends: a key per person ("guest:<id>", "account:<id>", "access:<email>") with its kind and name. */
export interface Spender {
  key: string;
  kind: "guest" | "account" | "access";
  /** For the owner's usage page: the account's name or email; "" for a guest. */
  label: string;
}

export type ReservationRow = {
  day: string;
  reserved: number;
  pools: string;
  settled: number | null;
  moved_to: string | null;
};

/** A lease to give back: room of `pool` drawn from `shard`, counted there under `bucket`. */
export interface Giveback {
  shard: string;
  bucket: string;
  neurons: number;
}

/** `deduct` refusing a reservation that does not fit the person's own budget; `used`: their day before it. */
export class PersonOverLimit extends Error {
  constructor(readonly used: number) {
    super("The reservation exceeds the person's daily budget.");
  }
}

/** A reservation is kept until settled or its day is over; day totals a little longer. */
const KEEP_DAYS_FROM_MS = 2 * 86_400_000;

export const PERSON_TABLES = `
  CREATE TABLE IF NOT EXISTS person_days (
    day TEXT PRIMARY KEY,
    kind TEXT NOT NULL,
    label TEXT NOT NULL,
    neurons INTEGER NOT NULL
  );
  CREATE TABLE IF NOT EXISTS person_reservations (
    seq INTEGER PRIMARY KEY AUTOINCREMENT,
    id TEXT NOT NULL UNIQUE,
    day TEXT NOT NULL,
    at INTEGER NOT NULL,
    reserved INTEGER NOT NULL,
    pools TEXT NOT NULL,
    settled INTEGER,
    moved_to TEXT
  );
  CREATE TABLE IF NOT EXISTS lease_pools (
    day TEXT NOT NULL,
    pool TEXT NOT NULL,
    granted INTEGER NOT NULL DEFAULT 0,
    used INTEGER NOT NULL DEFAULT 0,
    draws INTEGER NOT NULL DEFAULT 0,
    PRIMARY KEY (day, pool)
  );
  CREATE TABLE IF NOT EXISTS lease_shards (
    day TEXT NOT NULL,
    pool TEXT NOT NULL,
    shard TEXT NOT NULL,
    bucket TEXT NOT NULL,
    granted INTEGER NOT NULL DEFAULT 0,
    dry_until INTEGER NOT NULL DEFAULT 0,
    PRIMARY KEY (day, pool, shard)
  );
`;

/**
 * One person's side of the spend ledger, in their own SpendLedger instance (`person:<spenderKey>`):
 * their day total, their open reservations, and their leases of the shared budgets (each pool: what
 * was drawn from its shards and what of it is used). Every method is synchronous, so each is atomic
 * in the object; the object's async calls (draws from shards) go between them.
 */
export class PersonBook {
  constructor(private readonly sql: SqlStorage) {}

  spent(day: string): number {
    return this.sql.exec<{ neurons: number }>(`SELECT neurons FROM person_days WHERE day = ?`, day).toArray()[0]?.neurons ?? 0;
  }

  /** Returns the day's total after it. */
  addSpent(day: string, spender: Pick<Spender, "kind" | "label">, neurons: number): number {
    return this.sql
      .exec<{ neurons: number }>(
        `INSERT INTO person_days (day, kind, label, neurons) VALUES (?, ?, ?, MAX(0, ?))
         ON CONFLICT(day) DO UPDATE SET neurons = MAX(0, neurons + ?), kind = excluded.kind,
           label = CASE WHEN excluded.label = '' THEN label ELSE excluded.label END
         RETURNING neurons`,
        day,
        spender.kind,
        spender.label,
        neurons,
        neurons,
      )
      .one().neurons;
  }

  /**
   * Counts a new reservation on the person and on every pool it must fit in, before any room is known
   * to be there. Returns the person's day before it, and each pool's shortfall after it (as
   * `shortfall` would read it), by pool name. Refused with `PersonOverLimit` (nothing counted once the caller's transaction rolls back) when it
   * would take the person past `personLimit` (0: none): counting it is how the day's total is read.
   */
  deduct(
    id: string,
    day: string,
    now: number,
    spender: Spender,
    amount: number,
    pools: readonly Pool[],
    personLimit: number,
  ): { before: number; shorts: Map<string, number> } {
    const before = this.addSpent(day, spender, amount) - amount;
    if (personLimit > 0 && before + amount > personLimit) throw new PersonOverLimit(before);
    const shorts = new Map<string, number>();
    for (const pool of pools) {
      const { short } = this.sql
        .exec<{ short: number }>(
          `INSERT INTO lease_pools (day, pool, used) VALUES (?, ?, ?)
           ON CONFLICT(day, pool) DO UPDATE SET used = used + excluded.used RETURNING used - granted AS short`,
          day,
          pool.name,
          amount,
        )
        .one();
      shorts.set(pool.name, Math.max(0, short));
    }
    this.sql.exec(
      `INSERT INTO person_reservations (id, day, at, reserved, pools) VALUES (?, ?, ?, ?, ?)`,
      id,
      day,
      now,
      amount,
      JSON.stringify(pools.map((p) => p.name)),
    );
    return { before, shorts };
  }

  /** Undoes `deduct` for a refused reservation. What was drawn for it stays leased, for the next one. */
  rollback(id: string, spender: Spender): void {
    const row = this.reservation(id);
    if (!row) return;
    this.addSpent(row.day, spender, -row.reserved);
    for (const pool of JSON.parse(row.pools) as string[]) this.addUsed(row.day, pool, -row.reserved);
    this.sql.exec(`DELETE FROM person_reservations WHERE id = ?`, id);
  }

  reservation(id: string): ReservationRow | undefined {
    return this.sql
      .exec<ReservationRow>(`SELECT day, reserved, pools, settled, moved_to FROM person_reservations WHERE id = ?`, id)
      .toArray()[0];
  }

  /**
   * Replaces a reservation's worst case with its actual cost, on its pools and (unless a merge moved
   * its person's day elsewhere) on the person. Returns the change and where the day went, or null
   * when already settled or unknown.
   */
  settle(id: string, actual: number): { day: string; delta: number; movedTo: string | null } | null {
    const row = this.reservation(id);
    if (!row || row.settled !== null) return null;
    const delta = actual - row.reserved;
    if (!row.moved_to) this.sql.exec(`UPDATE person_days SET neurons = MAX(0, neurons + ?) WHERE day = ?`, delta, row.day);
    for (const pool of JSON.parse(row.pools) as string[]) this.addUsed(row.day, pool, delta);
    this.sql.exec(`UPDATE person_reservations SET settled = ? WHERE id = ?`, actual, id);
    return { day: row.day, delta, movedTo: row.moved_to };
  }

  /** What the pool lacks for the reservations counted on it (0 when its leases cover them). */
  shortfall(day: string, pool: string): number {
    const row = this.sql
      .exec<{ short: number }>(`SELECT used - granted AS short FROM lease_pools WHERE day = ? AND pool = ?`, day, pool)
      .toArray()[0];
    return Math.max(0, row?.short ?? 0);
  }

  /** The pool's unused leased room (negative when settlements overran it). */
  room(day: string, pool: string): number {
    return (
      this.sql.exec<{ room: number }>(`SELECT granted - used AS room FROM lease_pools WHERE day = ? AND pool = ?`, day, pool).toArray()[0]
        ?.room ?? 0
    );
  }

  draws(day: string, pool: string): number {
    return this.sql.exec<{ draws: number }>(`SELECT draws FROM lease_pools WHERE day = ? AND pool = ?`, day, pool).toArray()[0]?.draws ?? 0;
  }

  /** The first of the pool's shards not known to be empty, in the pool's order (the person's home shard first). */
  nextShard(day: string, pool: Pool, now: number): PoolShard | undefined {
    const dry = new Set(
      this.sql
        .exec<{ shard: string }>(`SELECT shard FROM lease_shards WHERE day = ? AND pool = ? AND dry_until > ?`, day, pool.name, now)
        .toArray()
        .map((r) => r.shard),
    );
    return pool.shards.find((s) => !dry.has(s.name) && !seenDryUntil(day, pool.bucket, s, now));
  }

  /** How many of the pool's shards are known to be empty now. */
  dryShards(day: string, pool: string, now: number): number {
    return this.sql
      .exec<{ n: number }>(`SELECT count(*) AS n FROM lease_shards WHERE day = ? AND pool = ? AND dry_until > ?`, day, pool, now)
      .one().n;
  }

  /** Records a draw's answer: the room it brought, and whether the shard has nothing left. */
  drew(day: string, pool: Pool, shard: PoolShard, granted: number, dryUntil: number): void {
    this.sql.exec(
      `INSERT INTO lease_pools (day, pool, granted, draws) VALUES (?, ?, ?, 1)
       ON CONFLICT(day, pool) DO UPDATE SET granted = granted + excluded.granted, draws = draws + 1`,
      day,
      pool.name,
      granted,
    );
    this.sql.exec(
      `INSERT INTO lease_shards (day, pool, shard, bucket, granted, dry_until) VALUES (?, ?, ?, ?, ?, ?)
       ON CONFLICT(day, pool, shard) DO UPDATE SET granted = granted + excluded.granted, dry_until = excluded.dry_until`,
      day,
      pool.name,
      shard.name,
      pool.bucket,
      granted,
      dryUntil,
    );
  }

  /** Reservations made in the last `withinMs` and not settled yet (an answer still running). */
  openReservations(now: number, withinMs: number): number {
    return this.sql
      .exec<{ n: number }>(
        `SELECT count(*) AS n FROM person_reservations WHERE settled IS NULL AND moved_to IS NULL AND at > ?`,
        now - withinMs,
      )
      .one().n;
  }

  /**
   * Takes every pool's unused room of `day` out of the leases, shard by shard (latest drawn first),
   * and returns what to give back to which shard. Done before any call, so nothing can use it meanwhile.
   */
  takeUnused(day: string): Giveback[] {
    const back: Giveback[] = [];
    const pools = this.sql
      .exec<{ pool: string; room: number }>(`SELECT pool, granted - used AS room FROM lease_pools WHERE day = ? AND granted > used`, day)
      .toArray();
    for (const { pool, room } of pools) {
      let left = room;
      const shards = this.sql
        .exec<{ shard: string; bucket: string; granted: number }>(
          `SELECT shard, bucket, granted FROM lease_shards WHERE day = ? AND pool = ? AND granted > 0 ORDER BY rowid DESC`,
          day,
          pool,
        )
        .toArray();
      for (const s of shards) {
        const neurons = Math.min(left, s.granted);
        if (neurons <= 0) break;
        this.sql.exec(
          `UPDATE lease_shards SET granted = granted - ? WHERE day = ? AND pool = ? AND shard = ?`,
          neurons,
          day,
          pool,
          s.shard,
        );
        back.push({ shard: s.shard, bucket: s.bucket, neurons });
        left -= neurons;
      }
      this.sql.exec(`UPDATE lease_pools SET granted = granted - ? WHERE day = ? AND pool = ?`, room - left, day, pool);
    }
    return back;
  }

  /**
   * A guest became an account: today's total leaves this ledger (the caller added it to the
   * account's first), and reservations still open follow it, so their settlement corrects the account.
   */
  moveOut(day: string, neurons: number, upToSeq: number, to: string): void {
    this.sql.exec(`UPDATE person_days SET neurons = MAX(0, neurons - ?) WHERE day = ?`, neurons, day);
    this.sql.exec(`UPDATE person_reservations SET moved_to = ? WHERE day = ? AND settled IS NULL AND seq <= ?`, to, day, upToSeq);
  }

  lastSeq(): number {
    return this.sql.exec<{ seq: number | null }>(`SELECT MAX(seq) AS seq FROM person_reservations`).one().seq ?? 0;
  }

  prune(today: string): void {
    const from = new Date(Date.parse(today) - KEEP_DAYS_FROM_MS).toISOString().slice(0, 10);
    this.sql.exec(`DELETE FROM person_reservations WHERE day < ?`, from);
    this.sql.exec(`DELETE FROM lease_pools WHERE day < ?`, from);
    this.sql.exec(`DELETE FROM lease_shards WHERE day < ?`, from);
    this.sql.exec(`DELETE FROM person_days WHERE day < ?`, from);
  }

  private addUsed(day: string, pool: string, neurons: number): void {
    this.sql.exec(
      `INSERT INTO lease_pools (day, pool, used) VALUES (?, ?, ?)
       ON CONFLICT(day, pool) DO UPDATE SET used = used + excluded.used`,
      day,
      pool,
      neurons,
    );
  }
}
