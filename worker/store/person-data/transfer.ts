/**
 * A user's whole database as data, and the import that merges one into another: how a guest's
 * conversations, images, vision threads and documents move into the account they sign in to. Generic
 * over tables, so a table added later moves too. (Today's spend moves in the ledger: worker/spend/.)
 */
export interface StoreDump {
  tables: { name: string; columns: string[]; rows: SqlStorageValue[][] }[];
}

/** Which guests were already merged in: importing the same guest twice (a retried sign-in) adds nothing twice. */
const MERGED = "merged_identities";

/**
 * Not the person's data but this object's own bookkeeping: which migrations it ran, and the answers
 * it is writing right now (a running answer cannot move; it is saved where it runs), and who pays
 * for its document embedding (worker/retrieval/document-tables.ts: an account never pays as its guest).
 */
const LOCAL = new Set([MERGED, "schema_migrations", "feature_migrations", "answer_runs", "answer_chunks", "document_payer"]);

/**
 * The search index (./search.ts) and its FTS5 shadow tables are derived from the
 * messages and titles, and the byte budget's total (./byte-budget.ts) from every counted row:
 * never copied, kept by the triggers as the rows they follow arrive.
 */
function derived(name: string): boolean {
  return (
    name === "search_rows" ||
    name === "search_index" ||
    name.startsWith("search_index_") ||
    name === "storage_usage" ||
    // The documents' keyword index, rebuilt from the passages after an import (worker/retrieval/document-tables.ts).
    name === "passages_fts" ||
    name.startsWith("passages_fts_")
  );
}

export function exportTables(sql: SqlStorage): StoreDump {
  const names = userTables(sql).filter((name) => !LOCAL.has(name) && !derived(name));
  return {
    tables: names.map((name) => {
      const cursor = sql.exec(`SELECT * FROM "${name}"`);
      return { name, columns: cursor.columnNames, rows: [...cursor.raw()] };
    }),
  };
}

/**
 * Copies another store's rows in (tables in the order the source created them, so parents come before
 * the rows that reference them). A row whose key already exists here is kept as it is here: ids are
 * 128-bit random, so that only happens for the same row imported twice. Returns rows added and kept.
 */
export function importTables(sql: SqlStorage, fromUserId: string, dump: StoreDump, now = Date.now()): { added: number; skipped: number } {
  sql.exec(`CREATE TABLE IF NOT EXISTS ${MERGED} (user_id TEXT PRIMARY KEY, at INTEGER NOT NULL)`);
  if (sql.exec(`INSERT OR IGNORE INTO ${MERGED} (user_id, at) VALUES (?, ?)`, fromUserId, now).rowsWritten === 0)
    return { added: 0, skipped: 0 };
  const here = new Set(userTables(sql));
  let added = 0;
  let skipped = 0;
  for (const table of dump.tables) {
    // Names come from our own export, but are still checked against this database, never trusted.
    if (!here.has(table.name) || LOCAL.has(table.name) || derived(table.name)) continue;
    const known = new Set(
      sql
        .exec<{ name: string }>(`PRAGMA table_info("${table.name}")`)
        .toArray()
        .map((c) => c.name),
    );
    // A column named rowid is this database's own row number (passages): the import gets new ones, or it would collide.
    const keep = table.columns.flatMap((column, index) => (known.has(column) && column !== "rowid" ? [index] : []));
    const columns = keep.map((i) => `"${table.columns[i]}"`);
    const statement = `INSERT OR IGNORE INTO "${table.name}" (${columns.join(", ")}) VALUES (${columns.map(() => "?").join(", ")})`;
    for (const row of table.rows) {
      const written = sql.exec(statement, ...keep.map((i) => row[i])).rowsWritten;
      if (written > 0) added++;
      else skipped++;
    }
  }
  return { added, skipped };
}

/** Rows in every table but the migration log and the search index: for the tests that check a deleted account left nothing behind. */
export function countRows(sql: SqlStorage): number {
  return userTables(sql)
    .filter((name) => name !== "schema_migrations" && name !== "feature_migrations" && !derived(name))
    .reduce((sum, name) => sum + sql.exec<{ n: number }>(`SELECT COUNT(*) AS n FROM "${name}"`).one().n, 0);
}

function userTables(sql: SqlStorage): string[] {
  return sql
    .exec<{ name: string }>(
      `SELECT name FROM sqlite_master WHERE type = 'table' AND name NOT LIKE 'sqlite_%' AND name NOT LIKE '_cf_%' ORDER BY rowid`,
    )
    .toArray()
    .map((row) => row.name);
}
