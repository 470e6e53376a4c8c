import { runInDurableObject } from "cloudflare:test";
import { env } from "cloudflare:workers";
import { describe, expect, it } from "vitest";
import { MIGRATIONS, migrate } from "./schema";

const freshObject = () => env.USER_STORE.get(env.USER_STORE.idFromName(`schema-${crypto.randomUUID()}`));
const versions = (sql: SqlStorage) =>
  sql
    .exec<{ version: number }>(`SELECT version FROM schema_migrations ORDER BY version`)
    .toArray()
    .map((r) => r.version);

describe("migrate", () => {
  it("a started store has run every migration once; running them again changes nothing", async () => {
    await runInDurableObject(freshObject(), (_store, state) => {
      expect(versions(state.storage.sql)).toEqual(MIGRATIONS.map((_, i) => i + 1));
      migrate(state.storage);
      expect(versions(state.storage.sql)).toEqual(MIGRATIONS.map((_, i) => i + 1));
    });
  });

  it("applies only the migrations a database has not run, in order, keeping its data", async () => {
    await runInDurableObject(freshObject(), (_store, state) => {
      const sql = state.storage.sql;
      sql.exec(`INSERT INTO conversations (id, title, created_at, updated_at) VALUES ('kept', 'Kept', 0, 0)`);
      const next = [...MIGRATIONS, `CREATE TABLE later_a (id TEXT)`, `ALTER TABLE later_a ADD COLUMN added INTEGER`];
      migrate(state.storage, next);
      expect(versions(sql)).toEqual(next.map((_, i) => i + 1));
      expect(
        sql
          .exec(`PRAGMA table_info(later_a)`)
          .toArray()
          .map((c) => c.name),
      ).toEqual(["id", "added"]);
      expect(sql.exec(`SELECT title FROM conversations WHERE id = 'kept'`).one().title).toBe("Kept");
    });
  });

  it("a migration that fails leaves nothing half-done and is not recorded", async () => {
    await runInDurableObject(freshObject(), (_store, state) => {
      const sql = state.storage.sql;
      const broken = [...MIGRATIONS, `CREATE TABLE half (id TEXT); INSERT INTO no_such_table VALUES (1)`];
      expect(() => migrate(state.storage, broken)).toThrow();
      expect(versions(sql)).toEqual(MIGRATIONS.map((_, i) => i + 1));
      expect(sql.exec(`SELECT name FROM sqlite_master WHERE name = 'half'`).toArray()).toEqual([]);
    });
  });
});
