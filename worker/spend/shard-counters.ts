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
  }
}
