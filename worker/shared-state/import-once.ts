/**
 * A Durable Object's one-time import of its part of a legacy singleton's data (a shard's slice, a
 * person's list), recorded in its own storage so the singleton is asked once per object, ever, and
 * never on a request's path after that.
 *
 * A caller may ask only on a miss (isDone first): a deployment with no legacy data then never asks
 * for anything its objects can find themselves.
 *
 * Concurrent callers wait for the same run: a request that arrives while the import awaits the
 * legacy object must not read the half-filled tables (a legacy key would fail as unknown). A failed
 * run is not recorded, so the next call tries again; jobs therefore write with INSERT OR IGNORE.
 */
export class ImportOnce {
  private readonly done = new Set<string>();
  private readonly running = new Map<string, Promise<void>>();

  constructor(private readonly sql: SqlStorage) {
    sql.exec(`CREATE TABLE IF NOT EXISTS legacy_imports (name TEXT PRIMARY KEY, done_at INTEGER NOT NULL)`);
    for (const row of sql.exec<{ name: string }>(`SELECT name FROM legacy_imports`)) this.done.add(row.name);
  }

  isDone(name: string): boolean {
    return this.done.has(name);
  }

  async ensure(name: string, job: () => Promise<void>): Promise<void> {
    if (this.done.has(name)) return;
    let run = this.running.get(name);
    if (!run) {
      run = job()
        .then(() => {
          this.sql.exec(`INSERT OR REPLACE INTO legacy_imports (name, done_at) VALUES (?, ?)`, name, Date.now());
          this.done.add(name);
        })
        .finally(() => this.running.delete(name));
      this.running.set(name, run);
    }
    await run;
  }
}
