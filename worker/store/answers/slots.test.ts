/**
 * Answer slots (migration 2 of the answers feature): a run row written before slots is kept as slot
 * 0 and recovered after a restart; a compare turn's rows for one thread live side by side.
 */
import { runInDurableObject } from "cloudflare:test";
import { env } from "cloudflare:workers";
import { describe, expect, it } from "vitest";
import type { UserStore } from "../user-store";
import { ANSWER_TABLES } from "./schema";

function freshStore() {
  return env.USER_STORE.get(env.USER_STORE.idFromName(`slots-${crypto.randomUUID()}`));
}

describe("answer slots", () => {
  it("migration 2 keeps a running answer's row and chunks from before slots, as slot 0", async () => {
    await runInDurableObject(freshStore(), (_store: UserStore, state) => {
      const sql = state.storage.sql;
      sql.exec(`DROP TABLE answer_runs`);
      sql.exec(`DROP TABLE answer_chunks`);
      sql.exec(ANSWER_TABLES.migrations[0]);
      sql.exec(
        `INSERT INTO answer_runs (kind, owner_id, message_id, started_at, prompt_chars, reservation_id, parent_id) VALUES ('chat', 'c1', 'm1', 5, 10, 'r1', 'q1')`,
      );
      sql.exec(`INSERT INTO answer_chunks (kind, owner_id, seq, body) VALUES ('chat', 'c1', 0, '{"type":"start"}')`);
      state.storage.transactionSync(() => sql.exec(ANSWER_TABLES.migrations[1]));
      expect(sql.exec(`SELECT * FROM answer_runs`).toArray()).toEqual([
        { kind: "chat", owner_id: "c1", slot: 0, message_id: "m1", started_at: 5, prompt_chars: 10, reservation_id: "r1", parent_id: "q1" },
      ]);
      expect(sql.exec(`SELECT * FROM answer_chunks`).toArray()).toEqual([
        { kind: "chat", owner_id: "c1", slot: 0, seq: 0, body: '{"type":"start"}' },
      ]);
    });
  });

  it("one thread's slots are separate rows: beginning, chunks and ending one leaves the others", async () => {
    await runInDurableObject(freshStore(), (store: UserStore) => {
      const runs = store.person.runs;
      runs.begin("chat", "c1", "m0", 10, "r0", 1, "q1", 0);
      runs.begin("chat", "c1", "m1", 10, "r1", 1, "q1", 1);
      runs.append("chat", "c1", 0, ['{"type":"text-delta","id":"t","delta":"one"}'], 1);
      expect(runs.chunks("chat", "c1", 0)).toEqual([]);
      expect(runs.chunks("chat", "c1", 1)).toHaveLength(1);
      expect(runs.end("chat", "c1", 1)).toBe("r1");
      expect(runs.all().map((r) => [r.slot, r.message_id])).toEqual([[0, "m0"]]);
      expect(runs.parentOf("chat", "c1", 0)).toBe("q1");
      expect(runs.end("chat", "c1")).toBe("r0");
    });
  });
});
