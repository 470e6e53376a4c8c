import { runInDurableObject } from "cloudflare:test";
import { env } from "cloudflare:workers";
import { describe, expect, it } from "vitest";
import { addColumnIfMissing } from "./schema";

describe("addColumnIfMissing", () => {
  it("adds the column to a table from an older version once, and leaves data and later calls alone", async () => {
    const stub = env.USER_STORE.get(env.USER_STORE.idFromName(`schema-${crypto.randomUUID()}`));
    await runInDurableObject(stub, (_instance, state) => {
      const sql = state.storage.sql;
      sql.exec(`CREATE TABLE old_table (id TEXT PRIMARY KEY)`);
      sql.exec(`INSERT INTO old_table (id) VALUES ('kept')`);

      addColumnIfMissing(sql, "old_table", "added", "INTEGER");
      addColumnIfMissing(sql, "old_table", "added", "INTEGER"); // a second start must not fail

      const columns = sql.exec<{ name: string }>(`PRAGMA table_info(old_table)`).toArray().map((c) => c.name);
      expect(columns).toEqual(["id", "added"]);
      expect(sql.exec(`SELECT id, added FROM old_table`).toArray()).toEqual([{ id: "kept", added: null }]);
    });
  });
});
