import type { PersonOverride, UsageChartDay, UsageKind, UsageSlice } from "../../contract/usage";
import { lastDays } from "./day";

/** What a reservation pays for, as its caller knows it: recorded with its settled cost. */
export interface UsageLabel {
  kind: UsageKind;
  model: string;
}

/** A person's chart covers 30 days; one more is kept so a chart drawn across midnight has its first day. */
export const KEEP_USAGE_DAYS = 31;
const MODEL_CHARS = 120;

export const USAGE_TABLES = `
  CREATE TABLE IF NOT EXISTS person_uses (
    day TEXT NOT NULL,
    kind TEXT NOT NULL,
    model TEXT NOT NULL,
    neurons INTEGER NOT NULL,
    PRIMARY KEY (day, kind, model)
  );
  CREATE TABLE IF NOT EXISTS reservation_uses (
    id TEXT PRIMARY KEY,
    kind TEXT NOT NULL,
    model TEXT NOT NULL
  );
  CREATE TABLE IF NOT EXISTS person_override (
    only INTEGER PRIMARY KEY CHECK (only = 1),
    daily_limit INTEGER,
    blocked INTEGER NOT NULL
  );
`;

/**
 * One person's spend by day, kind and model, in their own ledger (`person:<key>`): written when a
 * reservation settles (its label was kept with it at reserve time), never on a reservation's path.
 * Bounded: a row per day, kind and catalog model, for KEEP_USAGE_DAYS. Also the owner's override for
 * this person, kept here because this is where their reservations are decided.
 */
export class UsageBook {
  constructor(private readonly sql: SqlStorage) {}

  label(id: string, use: UsageLabel): void {
    this.sql.exec(
      `INSERT OR REPLACE INTO reservation_uses (id, kind, model) VALUES (?, ?, ?)`,
      id,
      use.kind,
      use.model.slice(0, MODEL_CHARS),
    );
  }

  /** The reservation `id` settled at `neurons` on `day`: counted under its label (`other` without one). */
  settled(id: string, day: string, neurons: number): void {
    const use = this.sql.exec<{ kind: UsageKind; model: string }>(`SELECT kind, model FROM reservation_uses WHERE id = ?`, id).toArray()[0];
    this.sql.exec(`DELETE FROM reservation_uses WHERE id = ?`, id);
    if (neurons <= 0) return;
    this.sql.exec(
      `INSERT INTO person_uses (day, kind, model, neurons) VALUES (?, ?, ?, ?)
       ON CONFLICT(day, kind, model) DO UPDATE SET neurons = neurons + excluded.neurons`,
      day,
      use?.kind ?? "other",
      use?.model ?? "",
      neurons,
    );
  }

  /** The last `count` days, oldest first, each with its slices dearest first (days with none too). */
  days(now: number, count: number): UsageChartDay[] {
    const days = lastDays(now, count).reverse();
    const rows = this.sql
      .exec<{ day: string; kind: UsageKind; model: string; neurons: number }>(
        `SELECT day, kind, model, neurons FROM person_uses WHERE day >= ? ORDER BY neurons DESC`,
        days[0],
      )
      .toArray();
    return days.map((day) => ({
      day,
      slices: rows.filter((r) => r.day === day).map(({ kind, model, neurons }) => ({ kind, model, neurons })),
    }));
  }

  /** Adds slices to a day: a guest's day moving into the account they signed in to. */
  add(day: string, slices: UsageSlice[]): void {
    for (const s of slices)
      this.sql.exec(
        `INSERT INTO person_uses (day, kind, model, neurons) VALUES (?, ?, ?, ?)
         ON CONFLICT(day, kind, model) DO UPDATE SET neurons = neurons + excluded.neurons`,
        day,
        s.kind,
        s.model.slice(0, MODEL_CHARS),
        Math.max(0, Math.ceil(s.neurons)),
      );
  }

  drop(day: string): void {
    this.sql.exec(`DELETE FROM person_uses WHERE day = ?`, day);
  }

  /** One day's slices (the idle report to the person's budget shard). */
  day(day: string): UsageSlice[] {
    return this.sql
      .exec<{ kind: UsageKind; model: string; neurons: number }>(`SELECT kind, model, neurons FROM person_uses WHERE day = ?`, day)
      .toArray();
  }

  override(): PersonOverride | null {
    const row = this.sql
      .exec<{ daily_limit: number | null; blocked: number }>(`SELECT daily_limit, blocked FROM person_override`)
      .toArray()[0];
    return row ? { dailyLimit: row.daily_limit, blocked: row.blocked === 1 } : null;
  }

  setOverride(override: PersonOverride): void {
    if (override.dailyLimit === null && !override.blocked) this.sql.exec(`DELETE FROM person_override`);
    else
      this.sql.exec(
        `INSERT OR REPLACE INTO person_override (only, daily_limit, blocked) VALUES (1, ?, ?)`,
        override.dailyLimit,
        override.blocked ? 1 : 0,
      );
  }

  /** Drops days past KEEP_USAGE_DAYS, and labels of reservations the person book has pruned (never settled). */
  prune(today: string): void {
    const from = new Date(Date.parse(today) - (KEEP_USAGE_DAYS - 1) * 86_400_000).toISOString().slice(0, 10);
    this.sql.exec(`DELETE FROM person_uses WHERE day < ?`, from);
    this.sql.exec(`DELETE FROM reservation_uses WHERE id NOT IN (SELECT id FROM person_reservations)`);
  }
}
