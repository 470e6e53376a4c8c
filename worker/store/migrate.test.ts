/**
 * Feature-owned tables (./migrate.ts): a new store's schema is exactly the schema the frozen shared
 * list (./legacy-schema.ts) ended on, a real schema-10 database (./fixtures/v10-store-dump.ts) is
 * taken over with every row as it was and served by today's code, and later migrations apply to both.
 */
import { abortAllDurableObjects, runInDurableObject } from "cloudflare:test";
import { env } from "cloudflare:workers";
import { describe, expect, it } from "vitest";
import { FEATURES } from "./features";
import { MIGRATIONS, migrateLegacy } from "./legacy-schema";
import { appliedVersions, migrate, type FeatureTables } from "./migrate";
import { V10_STORE_DUMP } from "./fixtures/v10-store-dump";
import type { UserStoreRpc } from "./stub";

const TABLES = FEATURES.map((f) => f.tables);
/** Each feature at its latest migration. */
const LATEST = Object.fromEntries(TABLES.filter((t) => t.migrations.length).map((t) => [t.name, t.migrations.length]));
const stubNamed = (name: string) => env.USER_STORE.get(env.USER_STORE.idFromName(name));
const rpc = (stub: DurableObjectStub) => stub as unknown as UserStoreRpc;
const fresh = () => stubNamed(`migrate-${crypto.randomUUID()}`);

/** Tables made by the retrieval code on first use, and the two migration logs: not part of either schema. */
const NOT_SCHEMA =
  /^(schema_migrations|feature_migrations|passages_fts.*|conversation_documents.*|document_payer|passage_vectors.*|sqlite_.*|_cf_.*)$/;

/** Every table, index and trigger, its SQL with whitespace made uniform, sorted. */
function schemaOf(sql: SqlStorage): string[] {
  return sql
    .exec<{ type: string; name: string; sql: string | null }>(`SELECT type, name, sql FROM sqlite_master`)
    .toArray()
    .filter((o) => !NOT_SCHEMA.test(o.name) && !/^search_index_/.test(o.name))
    .map((o) => `${o.type} ${o.name}: ${normalized(o.sql ?? "")}`)
    .sort();
}

function normalized(sql: string): string {
  return sql
    .replace(/\s+/g, " ")
    .replace(/\s*([(),])\s*/g, "$1")
    .trim();
}

/** Every row of every table the dump holds, keyed by table. */
function rowsOf(sql: SqlStorage, tables: string[]): Record<string, unknown[]> {
  return Object.fromEntries(tables.map((t) => [t, sql.exec(`SELECT * FROM "${t}" ORDER BY 1, 2`).toArray()]));
}

const DUMP_TABLES = [...new Set(V10_STORE_DUMP.flatMap((s) => /^INSERT INTO "([^"]+)"/.exec(s)?.[1] ?? []))].filter(
  (t) => t !== "search_index" && t !== "passages_fts",
);

describe("feature-owned tables", () => {
  it("a new store's schema is exactly where the frozen shared list ended (schema 10), with the later migrations on top", async () => {
    const [byFeatures, byLegacy] = await Promise.all([
      runInDurableObject(fresh(), (_s, state) => schemaOf(state.storage.sql)),
      runInDurableObject(fresh(), async (_s, state) => {
        await state.storage.deleteAll();
        migrateLegacy(state.storage);
        // The features' later migrations (and features new since) apply on top, as they do to a deployed store.
        migrate(state.storage, TABLES);
        return schemaOf(state.storage.sql);
      }),
    ]);
    expect(byFeatures.length).toBeGreaterThan(40);
    expect(byFeatures).toEqual(byLegacy);
  });

  it("a new store records each feature at its latest migration, and a later one applies once", async () => {
    await runInDurableObject(fresh(), (_s, state) => {
      const sql = state.storage.sql;
      expect(Object.fromEntries(appliedVersions(sql)!)).toEqual(
        Object.fromEntries(TABLES.filter((t) => t.migrations.length).map((t) => [t.name, t.migrations.length])),
      );
      const later: FeatureTables[] = [
        ...TABLES.map((t) =>
          t.name === "images" ? { ...t, migrations: [...t.migrations, `ALTER TABLE images ADD COLUMN later INTEGER`] } : t,
        ),
        { name: "later-feature", migrations: [`CREATE TABLE later_rows (id TEXT PRIMARY KEY)`] },
      ];
      migrate(state.storage, later);
      migrate(state.storage, later);
      expect(appliedVersions(sql)!.get("images")).toBe(2);
      expect(appliedVersions(sql)!.get("later-feature")).toBe(1);
      expect(
        sql
          .exec(`PRAGMA table_info(images)`)
          .toArray()
          .map((c) => c.name),
      ).toContain("later");
    });
  });

  it("a database on an older schema of the shared list reaches the same schema, rows kept", async () => {
    const byFeatures = await runInDurableObject(fresh(), (_s, state) => schemaOf(state.storage.sql));
    await runInDurableObject(fresh(), async (_s, state) => {
      const sql = state.storage.sql;
      await state.storage.deleteAll();
      migrateLegacy(state.storage, MIGRATIONS.slice(0, 4));
      sql.exec(`INSERT INTO conversations (id, title, created_at, updated_at) VALUES ('old', 'Old', 0, 0)`);
      migrate(state.storage, TABLES);
      expect(schemaOf(sql)).toEqual(byFeatures);
      expect(sql.exec(`SELECT title FROM conversations`).one().title).toBe("Old");
      expect(Object.fromEntries(appliedVersions(sql)!)).toMatchObject(LATEST);
    });
  });

  it("a real schema-10 database is taken over unchanged, and today's code serves it", async () => {
    const name = `v10-${crypto.randomUUID()}`;
    const before = await runInDurableObject(stubNamed(name), async (_s, state) => {
      const sql = state.storage.sql;
      await state.storage.deleteAll();
      for (const statement of V10_STORE_DUMP) sql.exec(statement);
      return { rows: rowsOf(sql, DUMP_TABLES), schema: schemaOf(sql) };
    });
    // The next instance starts on that database, as a deployed object would after the upgrade.
    await abortAllDurableObjects();
    const store = rpc(stubNamed(name));
    const after = await runInDurableObject(stubNamed(name), (_s, state) => ({
      rows: rowsOf(state.storage.sql, DUMP_TABLES),
      schema: schemaOf(state.storage.sql),
      versions: Object.fromEntries(appliedVersions(state.storage.sql)!),
    }));
    // Every row as it was (columns a later migration added aside: each feature tests its own), on the
    // schema a new store has, each feature at its latest migration.
    const dumpColumns = (rows: Record<string, unknown[]>, like: Record<string, unknown[]>) =>
      Object.fromEntries(
        Object.entries(rows).map(([t, list]) => [
          t,
          list.map((row) =>
            Object.fromEntries(Object.keys((like[t][0] ?? {}) as object).map((k) => [k, (row as Record<string, unknown>)[k]])),
          ),
        ]),
      );
    expect(dumpColumns(after.rows, before.rows)).toEqual(before.rows);
    expect(after.schema).toEqual(await runInDurableObject(fresh(), (_s, state) => schemaOf(state.storage.sql)));
    expect(after.versions).toEqual(LATEST);

    // Read through today's features.
    const [conversation] = await store.listConversations();
    const detail = await store.getConversation(conversation.id);
    expect(detail?.messages.map((m) => m.role)).toEqual(["user", "assistant"]);
    expect(Object.values(detail?.siblings ?? {})[0]).toHaveLength(2);
    expect((await store.searchMessages("lighthouses")).length).toBeGreaterThan(0);
    expect((await store.listImages(undefined, 10)).images.map((i) => i.id)).toEqual(["img_generated_1"]);
    expect((await store.getVisionThread("vt_1"))?.messages).toHaveLength(2);
    expect((await store.listDocuments()).map((d) => d.status)).toEqual(["ready"]);
    expect((await store.listConnectors()).map((c) => c.name)).toEqual(["Weather"]);
    const used = (before.rows.storage_usage[0] as { bytes: number }).bytes;
    expect((await store.storageUsage()).used).toBe(used);

    // And writes count as before: a deleted conversation gives its bytes back.
    expect(await store.deleteConversation(conversation.id)).toBe(true);
    expect((await store.storageUsage()).used).toBeLessThan(used);
  });
});
