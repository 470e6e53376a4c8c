import { runInDurableObject } from "cloudflare:test";
import { env } from "cloudflare:workers";
import { describe, expect, it } from "vitest";
import { DocumentTables } from "../retrieval/document-tables";
import { ByteBudget } from "./storage/byte-budget";
import { MIGRATIONS, migrateLegacy as migrate } from "./legacy-schema";

const freshObject = () => env.USER_STORE.get(env.USER_STORE.idFromName(`schema-${crypto.randomUUID()}`));
const versions = (sql: SqlStorage) =>
  sql
    .exec<{ version: number }>(`SELECT version FROM schema_migrations ORDER BY version`)
    .toArray()
    .map((r) => r.version);

/** A database on the frozen shared list (./legacy-schema.ts), as stores were before features owned their tables. */
async function legacyDatabase(state: DurableObjectState): Promise<void> {
  await state.storage.deleteAll();
  migrate(state.storage);
}

describe("the frozen shared list (databases from before feature migrations)", () => {
  it("runs every migration once; running them again changes nothing", async () => {
    await runInDurableObject(freshObject(), async (_store, state) => {
      await legacyDatabase(state);
      expect(versions(state.storage.sql)).toEqual(MIGRATIONS.map((_, i) => i + 1));
      migrate(state.storage);
      expect(versions(state.storage.sql)).toEqual(MIGRATIONS.map((_, i) => i + 1));
    });
  });

  it("applies only the migrations a database has not run, in order, keeping its data", async () => {
    await runInDurableObject(freshObject(), async (_store, state) => {
      await legacyDatabase(state);
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
    await runInDurableObject(freshObject(), async (_store, state) => {
      await legacyDatabase(state);
      const sql = state.storage.sql;
      const broken = [...MIGRATIONS, `CREATE TABLE half (id TEXT); INSERT INTO no_such_table VALUES (1)`];
      expect(() => migrate(state.storage, broken)).toThrow();
      expect(versions(sql)).toEqual(MIGRATIONS.map((_, i) => i + 1));
      expect(sql.exec(`SELECT name FROM sqlite_master WHERE name = 'half'`).toArray()).toEqual([]);
    });
  });

  it("8: a store with today's schema starts its byte total at what it already holds, and the triggers keep it in step", async () => {
    await runInDurableObject(freshObject(), async (_store, state) => {
      const sql = state.storage.sql;
      // Back to the schema before the byte budget, with data in it (documents made on first use, as today).
      await state.storage.deleteAll();
      migrate(state.storage, MIGRATIONS.slice(0, 7));
      const bodyA = JSON.stringify({ id: "m1", role: "user", parts: [{ type: "text", text: "héllo wörld" }] });
      const bodyB = JSON.stringify({ id: "m2", role: "assistant", parts: [{ type: "text", text: "答え" }] });
      sql.exec(`INSERT INTO conversations (id, title, created_at, updated_at) VALUES ('c', 'C', 0, 0)`);
      sql.exec(`INSERT INTO messages (conversation_id, id, position, body) VALUES ('c', 'm1', 0, ?), ('c', 'm2', 1, ?)`, bodyA, bodyB);
      sql.exec(`INSERT INTO vision_images (id, media_type, width, height, bytes, created_at) VALUES ('p', 'image/png', 1, 1, 5000, 0)`);
      const image = JSON.stringify({ id: "i", bytes: 70_000, prompt: "a cat" });
      sql.exec(`INSERT INTO images (id, created_at, body) VALUES ('i', 0, ?)`, image);
      new DocumentTables(sql).add({ id: "d", name: "d.txt", kind: "text", bytes: 12_345, pages: null, namespace: "someone" }, [
        { index: 0, text: "première passage", heading: "Titre" },
        { index: 1, text: "second" },
      ]);
      const utf8 = (text: string) => new TextEncoder().encode(text).byteLength;
      const expected =
        utf8(bodyA) + utf8(bodyB) + 5000 + utf8(image) + 70_000 + 12_345 + utf8("première passage") + utf8("Titre") + utf8("second");

      migrate(state.storage);
      const budget = new ByteBudget(sql, 0);
      expect(budget.used()).toBe(expected);

      // From here every write counts in its own transaction: an edit, a share, a delete.
      const longer = bodyB.replace("答え", "答えです");
      sql.exec(`UPDATE messages SET body = ? WHERE id = 'm2'`, longer);
      sql.exec(`INSERT INTO share_bytes (conversation_id, bytes) VALUES ('c', 900)`);
      expect(budget.used()).toBe(expected - utf8(bodyB) + utf8(longer) + 900);
      sql.exec(`DELETE FROM messages`);
      sql.exec(`DELETE FROM share_bytes`);
      sql.exec(`DELETE FROM vision_images`);
      sql.exec(`DELETE FROM images`);
      new DocumentTables(sql).delete("d");
      expect(budget.used()).toBe(0);
    });
  });
});
