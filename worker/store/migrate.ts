import { legacyVersion, migrateLegacy } from "./legacy-schema";

/** A feature's tables: its numbered migrations, applied once each, in order (a new need is a new entry at the end). */
export interface FeatureTables {
  /** The feature's name in the migration log; never changes once shipped. */
  readonly name: string;
  readonly migrations: readonly string[];
  /**
   * Its first migration is its tables as schema 10 of the frozen shared list left them
   * (./legacy-schema.ts): a database from before is recorded at 1 rather than running it.
   */
  readonly since10?: boolean;
}

const LOG = "feature_migrations";

/**
 * Brings the person's database up to every feature's latest migration, features in the order given
 * (a feature's tables may hang triggers on an earlier one's, as counted rows do on storage_usage).
 * A database made before features owned their tables is first brought to schema 10 by the frozen
 * list, then each feature that existed then is recorded at its first migration. Every object start
 * runs this, so a store that is up to date costs one statement; the rest runs in one transaction.
 */
export function migrate(storage: DurableObjectStorage, features: readonly FeatureTables[]): void {
  const sql = storage.sql;
  const applied = appliedVersions(sql);
  if (applied && features.every((f) => (applied.get(f.name) ?? 0) >= f.migrations.length)) return;
  // Before the feature log: a database that holds the old shared schema (or, older still, the
  // constructors' tables from before any migration log) goes to schema 10 first.
  const legacy = !applied && sql.exec(`SELECT 1 FROM sqlite_master WHERE name = 'conversations'`).toArray().length > 0;
  if (legacy) migrateLegacy(storage);
  storage.transactionSync(() => {
    const versions = applied ?? new Map<string, number>();
    const now = Date.now();
    if (!applied) {
      sql.exec(`CREATE TABLE ${LOG} (feature TEXT PRIMARY KEY, version INTEGER NOT NULL, applied_at INTEGER NOT NULL)`);
      if (legacy) for (const feature of features.filter((f) => f.since10)) record(sql, feature.name, 1, now, versions);
      else return createFresh(sql, features, now);
    }
    for (const feature of features)
      for (let version = (versions.get(feature.name) ?? 0) + 1; version <= feature.migrations.length; version++) {
        sql.exec(feature.migrations[version - 1]);
        record(sql, feature.name, version, now, versions);
      }
  });
}

/**
 * A new person's database: every migration in one statement list and the log in one insert. The same
 * statements as one by one (migrate.test.ts compares the schemas), but a new person's first request
 * pays one call into SQLite instead of two per migration.
 */
function createFresh(sql: SqlStorage, features: readonly FeatureTables[], now: number): void {
  const steps = features.flatMap((f) => f.migrations.map((text, i) => ({ feature: f.name, version: i + 1, text })));
  if (!steps.length) return;
  // A text that ends in a comment still ends its statement: the semicolon goes on a line of its own.
  sql.exec(steps.map((s) => (s.text.trim().endsWith(";") ? s.text : `${s.text}\n;`)).join("\n"));
  const last = features.filter((f) => f.migrations.length);
  sql.exec(
    `INSERT INTO ${LOG} (feature, version, applied_at) VALUES ${last.map(() => "(?, ?, ?)").join(", ")}`,
    ...last.flatMap((f) => [f.name, f.migrations.length, now]),
  );
}

function record(sql: SqlStorage, feature: string, version: number, now: number, versions: Map<string, number>): void {
  sql.exec(
    `INSERT INTO ${LOG} (feature, version, applied_at) VALUES (?, ?, ?)
     ON CONFLICT (feature) DO UPDATE SET version = excluded.version, applied_at = excluded.applied_at`,
    feature,
    version,
    now,
  );
  versions.set(feature, version);
}

/** Each feature's last migration run; null for a database without the feature log (new, or from before it). */
export function appliedVersions(sql: SqlStorage): Map<string, number> | null {
  try {
    const rows = sql.exec<{ feature: string; version: number }>(`SELECT feature, version FROM ${LOG}`).toArray();
    return new Map(rows.map((r) => [r.feature, r.version]));
  } catch (error) {
    if (String(error).includes("no such table")) return null;
    throw error;
  }
}

export { legacyVersion };
