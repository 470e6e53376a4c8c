import type { PersonOverride, PersonSpend, UsageChartDay, UsageKind, UsageSlice } from "../../contract/usage";
import { lastDays } from "./day";
import type { Spender } from "./person-book";

export interface DrawRequest {
  day: string;
  bucket: string;
  /** What this shard may lend under `bucket` today (its slice of the global budget, or the address budget). */
  limit: number;
  want: number;
}

/** A person's day as they last told their home budget shard. */
export interface DayReport extends Spender {
  day: string;
  neurons: number;
  /** The day's settled spend by kind and model (absent: unchanged since the last report). */
  uses?: UsageSlice[];
  /** The owner's override for this person (null: none; absent: unchanged). */
  override?: PersonOverride | null;
  /** When the ledger sent it (ms): the owner's page says how old each person's figures are. */
  at?: number;
}

/**
 * Where a deleted account's reported days go: summed with every other deleted person's under this
 * key, so the deployment's totals and chart stay true while nothing names them. Not a spender key
 * (those have a kind and a colon), so no person reports or is listed under it.
 */
export const DELETED_PEOPLE = "deleted";

/** One shard's part of the owner's usage page: its people's days by kind and model, and its people. */
export interface ShardPeople {
  days: UsageChartDay[];
  people: PersonSpend[];
  /** The newest report this shard has (ms), null before any. */
  updatedAt: number | null;
}

export interface ShardDay {
  day: string;
  /** Neurons lent out today under "*" (the global budget) and the number of draws. */
  leased: number;
  draws: number;
  reported: DayReport[];
}

/** Lent counters are needed for their day only; people's reports are the usage page's history. */
const KEEP_COUNTERS_MS = 2 * 86_400_000;
const KEEP_REPORTS_DAYS = 90;

export const SHARD_TABLES = `
  CREATE TABLE IF NOT EXISTS lease_counters (
    day TEXT NOT NULL,
    bucket TEXT NOT NULL,
    granted INTEGER NOT NULL DEFAULT 0,
    draws INTEGER NOT NULL DEFAULT 0,
    PRIMARY KEY (day, bucket)
  );
  CREATE TABLE IF NOT EXISTS reported_days (
    day TEXT NOT NULL,
    who TEXT NOT NULL,
    kind TEXT NOT NULL,
    label TEXT NOT NULL,
    neurons INTEGER NOT NULL,
    PRIMARY KEY (day, who)
  );
  CREATE TABLE IF NOT EXISTS reported_uses (
    day TEXT NOT NULL,
    who TEXT NOT NULL,
    kind TEXT NOT NULL,
    model TEXT NOT NULL,
    neurons INTEGER NOT NULL,
    PRIMARY KEY (day, who, kind, model)
  );
  CREATE TABLE IF NOT EXISTS person_overrides (
    who TEXT PRIMARY KEY,
    daily_limit INTEGER,
    blocked INTEGER NOT NULL
  );
  CREATE TABLE IF NOT EXISTS reported_at (
    who TEXT PRIMARY KEY,
    at INTEGER NOT NULL
  );
`;

/**
 * A shared counter's side of the spend ledger, in a SpendLedger instance `budget:N` (a slice of the
 * deployment's daily budget) or `addresses:N` (the daily budgets of the address buckets hashed
 * there). It only lends: people's ledgers draw room from it and spend it themselves, so it sees a
 * few calls per active person a day. Lent room comes back only when a ledger gives back what it did
 * not use; whatever is still lent at 00:00 UTC is lost with its day, so the cap errs on the safe side.
 */
export class ShardCounters {
  constructor(private readonly sql: SqlStorage) {}

  /** Lends up to `want`, as much as is left under the limit; `left` 0 tells the caller not to come back soon. */
  draw({ day, bucket, limit, want }: DrawRequest): { granted: number; left: number } {
    const lent = this.lent(day, bucket);
    const left = Math.max(0, limit - lent);
    const granted = Math.max(0, Math.min(Math.ceil(want), left));
    this.sql.exec(
      `INSERT INTO lease_counters (day, bucket, granted, draws) VALUES (?, ?, ?, 1)
       ON CONFLICT(day, bucket) DO UPDATE SET granted = granted + excluded.granted, draws = draws + 1`,
      day,
      bucket,
      granted,
    );
    return { granted, left: left - granted };
  }

  giveBack(day: string, bucket: string, neurons: number): void {
    this.sql.exec(
      `UPDATE lease_counters SET granted = MAX(0, granted - ?) WHERE day = ? AND bucket = ?`,
      Math.max(0, neurons),
      day,
      bucket,
    );
  }

  lent(day: string, bucket: string): number {
    return (
      this.sql.exec<{ granted: number }>(`SELECT granted FROM lease_counters WHERE day = ? AND bucket = ?`, day, bucket).toArray()[0]
        ?.granted ?? 0
    );
  }

  drawsOn(day: string, bucket: string): number {
    return (
      this.sql.exec<{ draws: number }>(`SELECT draws FROM lease_counters WHERE day = ? AND bucket = ?`, day, bucket).toArray()[0]?.draws ??
      0
    );
  }

  report(r: DayReport): void {
    this.sql.exec(
      `INSERT INTO reported_days (day, who, kind, label, neurons) VALUES (?, ?, ?, ?, ?)
       ON CONFLICT(day, who) DO UPDATE SET kind = excluded.kind, label = excluded.label, neurons = excluded.neurons`,
      r.day,
      r.key,
      r.kind,
      r.label,
      r.neurons,
    );
    if (r.uses) {
      this.sql.exec(`DELETE FROM reported_uses WHERE day = ? AND who = ?`, r.day, r.key);
      for (const u of r.uses)
        this.sql.exec(
          `INSERT INTO reported_uses (day, who, kind, model, neurons) VALUES (?, ?, ?, ?, ?)`,
          r.day,
          r.key,
          u.kind,
          u.model,
          u.neurons,
        );
    }
    if (r.at !== undefined)
      this.sql.exec(
        `INSERT INTO reported_at (who, at) VALUES (?, ?) ON CONFLICT(who) DO UPDATE SET at = MAX(at, excluded.at)`,
        r.key,
        r.at,
      );
    if (r.override === null) this.sql.exec(`DELETE FROM person_overrides WHERE who = ?`, r.key);
    else if (r.override)
      this.sql.exec(
        `INSERT OR REPLACE INTO person_overrides (who, daily_limit, blocked) VALUES (?, ?, ?)`,
        r.key,
        r.override.dailyLimit,
        r.override.blocked ? 1 : 0,
      );
  }

  /**
   * The owner's usage page, this shard's part: the last `count` days (oldest first) by kind and model,
   * and each person reported here with their spend today and over those days and any override.
   */
  people(now: number, count: number, limit: number): ShardPeople {
    const days = lastDays(now, count).reverse();
    const [from, today] = [days[0], days[days.length - 1]];
    const uses = this.sql
      .exec<{ day: string; kind: UsageKind; model: string; neurons: number }>(
        `SELECT day, kind, model, SUM(neurons) AS neurons FROM reported_uses WHERE day >= ? GROUP BY day, kind, model ORDER BY neurons DESC`,
        from,
      )
      .toArray();
    const people = this.sql
      .exec<{
        who: string;
        kind: Spender["kind"];
        label: string;
        today: number;
        month: number;
        daily_limit: number | null;
        blocked: number | null;
        at: number | null;
      }>(
        `SELECT r.who, MAX(r.kind) AS kind, MAX(r.label) AS label,
           SUM(CASE WHEN r.day = ? THEN r.neurons ELSE 0 END) AS today, SUM(r.neurons) AS month, o.daily_limit, o.blocked, a.at
         FROM reported_days r LEFT JOIN person_overrides o ON o.who = r.who LEFT JOIN reported_at a ON a.who = r.who
         WHERE r.day >= ? AND r.who <> ? GROUP BY r.who ORDER BY month DESC LIMIT ?`,
        today,
        from,
        DELETED_PEOPLE,
        limit,
      )
      .toArray();
    const newest = this.sql.exec<{ at: number | null }>(`SELECT MAX(at) AS at FROM reported_at`).one().at;
    return {
      days: days.map((day) => ({
        day,
        slices: uses.filter((u) => u.day === day).map(({ kind, model, neurons }) => ({ kind, model, neurons })),
      })),
      people: people.map((p) => ({
        key: p.who,
        kind: p.kind,
        label: p.label,
        today: p.today,
        month: p.month,
        override: p.blocked === null ? null : { dailyLimit: p.daily_limit, blocked: p.blocked === 1 },
        updatedAt: p.at,
      })),
      updatedAt: newest,
    };
  }

  /**
   * A deleted account: its reported days and uses join DELETED_PEOPLE's (the deployment spent them),
   * and everything under its key goes: name, override, report times. Run again, it finds nothing.
   */
  forget(key: string): void {
    this.sql.exec(
      `INSERT INTO reported_days (day, who, kind, label, neurons)
       SELECT day, ?, 'account', '', neurons FROM reported_days WHERE who = ?
       ON CONFLICT(day, who) DO UPDATE SET neurons = neurons + excluded.neurons`,
      DELETED_PEOPLE,
      key,
    );
    this.sql.exec(
      `INSERT INTO reported_uses (day, who, kind, model, neurons)
       SELECT day, ?, kind, model, neurons FROM reported_uses WHERE who = ?
       ON CONFLICT(day, who, kind, model) DO UPDATE SET neurons = neurons + excluded.neurons`,
      DELETED_PEOPLE,
      key,
    );
    for (const table of ["reported_days", "reported_uses", "person_overrides", "reported_at"])
      this.sql.exec(`DELETE FROM ${table} WHERE who = ?`, key);
  }

  /** The last `days` UTC days, newest first: what this shard lent of the global budget, and its people's reports. */
  usage(now: number, days: number): ShardDay[] {
    return lastDays(now, days).map((day) => ({
      day,
      leased: this.lent(day, "*"),
      draws: this.drawsOn(day, "*"),
      reported: this.sql
        .exec<{ who: string; kind: Spender["kind"]; label: string; neurons: number }>(
          `SELECT who, kind, label, neurons FROM reported_days WHERE day = ?`,
          day,
        )
        .toArray()
        .map((r) => ({ day, key: r.who, kind: r.kind, label: r.label, neurons: r.neurons })),
    }));
  }

  prune(today: string): void {
    const countersFrom = new Date(Date.parse(today) - KEEP_COUNTERS_MS).toISOString().slice(0, 10);
    const reportsFrom = new Date(Date.parse(today) - (KEEP_REPORTS_DAYS - 1) * 86_400_000).toISOString().slice(0, 10);
    this.sql.exec(`DELETE FROM lease_counters WHERE day < ?`, countersFrom);
    this.sql.exec(`DELETE FROM reported_days WHERE day < ?`, reportsFrom);
    this.sql.exec(`DELETE FROM reported_uses WHERE day < ?`, reportsFrom);
    this.sql.exec(`DELETE FROM reported_at WHERE at < ?`, Date.parse(reportsFrom));
  }
}
