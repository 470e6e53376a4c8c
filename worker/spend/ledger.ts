import { DurableObject } from "cloudflare:workers";
import { lastDays, oldestOfLastDays, utcDay } from "./day";

/** Who spends: a key per person ("guest:<id>", "account:<id>", "access:<email>") with its kind and name. */
export interface Spender {
  key: string;
  kind: "guest" | "account" | "access";
  /** For the owner's usage page: the account's name or email; "" for a guest. */
  label: string;
}

export interface ReserveRequest {
  spender: Spender;
  neurons: number;
  /** Daily limits in neurons; 0 = none. Passed in, so the Worker's configuration decides them. */
  personLimit: number;
  globalLimit: number;
  now: number;
}

export interface Reservation {
  id: string;
  neurons: number;
}

export type ReserveResult =
  | { ok: true; reservation: Reservation }
  | { ok: false; budget: "person" | "global"; limit: number; used: number };

export interface SpendToday {
  person: number;
  global: number;
}

export interface UsageDay {
  day: string;
  total: number;
  guests: number;
  /** Accounts and Access identities, dearest first. */
  people: { key: string; kind: "account" | "access"; label: string; neurons: number }[];
}

/** The deployment's total per day, under a key no person can have (person keys carry a prefix). */
const ALL = "*";
/** Reservation rows are needed only until they are settled or their day is over. */
const KEEP_RESERVATIONS_DAYS = 2;
/** Day totals are the usage page's history. */
const KEEP_DAYS = 90;

/**
 * The one ledger of what the deployment spends, in neurons: a singleton SQLite Durable Object with a
 * counter per person per UTC day and one for everybody. Every reservation is one synchronous
 * transaction, and a Durable Object runs one such call at a time, so parallel requests can never
 * both see room that only one of them fits in, whichever Worker isolate they come from.
 *
 * A reservation counts its worst case until it is settled to the actual cost. One never settled
 * (the Worker died mid-answer) keeps counting its full reserved amount until its day ends: the
 * model may well have run to the end, so releasing it early could let the owner's bill pass the
 * budget, while holding it costs at worst some unused room until 00:00 UTC.
 */
export class SpendLedger extends DurableObject<Env> {
  private readonly sql: SqlStorage;

  constructor(ctx: DurableObjectState, env: Env) {
    super(ctx, env);
    this.sql = ctx.storage.sql;
    this.sql.exec(`
      CREATE TABLE IF NOT EXISTS spend_days (
        day TEXT NOT NULL,
        who TEXT NOT NULL,
        kind TEXT NOT NULL,
        label TEXT NOT NULL,
        neurons INTEGER NOT NULL,
        PRIMARY KEY (day, who)
      );
      CREATE TABLE IF NOT EXISTS spend_reservations (
        id TEXT PRIMARY KEY,
        day TEXT NOT NULL,
        who TEXT NOT NULL,
        reserved INTEGER NOT NULL,
        settled INTEGER
      );
      CREATE INDEX IF NOT EXISTS spend_reservations_by_day ON spend_reservations (day);
    `);
  }

  reserve({ spender, neurons, personLimit, globalLimit, now }: ReserveRequest): ReserveResult {
    const amount = Math.max(0, Math.ceil(neurons));
    const day = utcDay(now);
    return this.ctx.storage.transactionSync((): ReserveResult => {
      const mine = this.spent(day, spender.key);
      if (personLimit > 0 && mine + amount > personLimit) return { ok: false, budget: "person", limit: personLimit, used: mine };
      const all = this.spent(day, ALL);
      if (globalLimit > 0 && all + amount > globalLimit) return { ok: false, budget: "global", limit: globalLimit, used: all };

      this.add(day, spender, amount);
      this.add(day, { key: ALL, kind: "guest", label: "" }, amount);
      const id = crypto.randomUUID();
      this.sql.exec(`INSERT INTO spend_reservations (id, day, who, reserved) VALUES (?, ?, ?, ?)`, id, day, spender.key, amount);
      this.prune(day);
      return { ok: true, reservation: { id, neurons: amount } };
    });
  }

  /**
   * Replaces a reservation's worst case with what was actually spent, on the day it was reserved.
   * Settling twice, or a reservation already pruned, changes nothing.
   */
  settle(id: string, actualNeurons: number): void {
    const actual = Math.max(0, Math.ceil(actualNeurons));
    this.ctx.storage.transactionSync(() => {
      const row = this.sql
        .exec<{ day: string; who: string; reserved: number; settled: number | null }>(
          `SELECT day, who, reserved, settled FROM spend_reservations WHERE id = ?`,
          id,
        )
        .toArray()[0];
      if (!row || row.settled !== null) return;
      const delta = actual - row.reserved;
      this.sql.exec(`UPDATE spend_days SET neurons = MAX(0, neurons + ?) WHERE day = ? AND who IN (?, ?)`, delta, row.day, row.who, ALL);
      this.sql.exec(`UPDATE spend_reservations SET settled = ? WHERE id = ?`, actual, id);
    });
  }

  /**
   * A guest signed in to an account: what the guest spent today (and any answer still running) is
   * counted on the account from now on, so signing in is never a way to a fresh budget.
   */
  moveToday(fromKey: string, to: Spender, now: number): void {
    const day = utcDay(now);
    this.ctx.storage.transactionSync(() => {
      const moved = this.spent(day, fromKey);
      if (moved > 0) {
        this.sql.exec(
          `INSERT INTO spend_days (day, who, kind, label, neurons) VALUES (?, ?, ?, ?, ?)
           ON CONFLICT(day, who) DO UPDATE SET neurons = neurons + excluded.neurons`,
          day,
          to.key,
          to.kind,
          to.label,
          moved,
        );
        this.sql.exec(`DELETE FROM spend_days WHERE day = ? AND who = ?`, day, fromKey);
      }
      this.sql.exec(`UPDATE spend_reservations SET who = ? WHERE day = ? AND who = ?`, to.key, day, fromKey);
    });
  }

  today(key: string, now: number): SpendToday {
    const day = utcDay(now);
    return { person: this.spent(day, key), global: this.spent(day, ALL) };
  }

  /** The last `days` UTC days, newest first, each with its total, all guests together, and each account. */
  usage(now: number, days = 30): UsageDay[] {
    return lastDays(now, days).map((day) => {
      const rows = this.sql
        .exec<{ who: string; kind: string; label: string; neurons: number }>(
          `SELECT who, kind, label, neurons FROM spend_days WHERE day = ? ORDER BY neurons DESC`,
          day,
        )
        .toArray();
      return {
        day,
        total: rows.find((r) => r.who === ALL)?.neurons ?? 0,
        guests: rows.filter((r) => r.kind === "guest" && r.who !== ALL).reduce((sum, r) => sum + r.neurons, 0),
        people: rows
          .filter((r) => r.kind === "account" || r.kind === "access")
          .map((r) => ({ key: r.who, kind: r.kind as "account" | "access", label: r.label, neurons: r.neurons })),
      };
    });
  }

  private spent(day: string, who: string): number {
    return (
      this.sql.exec<{ neurons: number }>(`SELECT neurons FROM spend_days WHERE day = ? AND who = ?`, day, who).toArray()[0]?.neurons ?? 0
    );
  }

  private add(day: string, spender: Spender, neurons: number): void {
    this.sql.exec(
      `INSERT INTO spend_days (day, who, kind, label, neurons) VALUES (?, ?, ?, ?, ?)
       ON CONFLICT(day, who) DO UPDATE SET neurons = neurons + excluded.neurons, label = excluded.label`,
      day,
      spender.key,
      spender.kind,
      spender.label,
      neurons,
    );
  }

  /** Old rows go as new ones come: an indexed delete per reservation, usually of nothing. */
  private prune(today: string): void {
    const keepReservationsFrom = oldestOfLastDays(Date.parse(today), KEEP_RESERVATIONS_DAYS);
    const keepDaysFrom = oldestOfLastDays(Date.parse(today), KEEP_DAYS);
    this.sql.exec(`DELETE FROM spend_reservations WHERE day < ?`, keepReservationsFrom);
    this.sql.exec(`DELETE FROM spend_days WHERE day < ?`, keepDaysFrom);
  }
}
