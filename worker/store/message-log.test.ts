import { runInDurableObject } from "cloudflare:test";
import { env } from "cloudflare:workers";
import { describe, expect, it } from "vitest";
import type { ChatMessage } from "../../contract/messages";
import { MessageLog } from "./message-log";

const msg = (id: string, role: "user" | "assistant", text: string, metadata?: ChatMessage["metadata"]): ChatMessage => ({
  id,
  role,
  parts: [{ type: "text", text }],
  ...(metadata ? { metadata } : {}),
});

/** A fresh user store's SQLite, with the tables its migrations made. */
async function withLog(run: (log: MessageLog, sql: SqlStorage) => void) {
  const stub = env.USER_STORE.get(env.USER_STORE.idFromName(`log-${crypto.randomUUID()}`));
  await runInDurableObject(stub, (_store, state) => {
    const sql = state.storage.sql;
    const log = new MessageLog(sql, { owners: "conversations", messages: "messages", ownerColumn: "conversation_id" });
    sql.exec(`INSERT INTO conversations (id, title, created_at, updated_at) VALUES ('c1', 't', 0, 0)`);
    run(log, sql);
  });
}

describe("MessageLog", () => {
  it("keeps the server's record of an answer, drops what follows an edit, and never resurrects a deleted thread", async () => {
    await withLog((log, sql) => {
      log.saveHistory("c1", [msg("q1", "user", "Hi")], 1_000);
      log.saveAnswer("c1", msg("a1", "assistant", "Hello", { status: "stopped" }));
      // The client echoes the answer back claiming it completed, and edits nothing else.
      log.saveHistory(
        "c1",
        [msg("q1", "user", "Hi"), msg("a1", "assistant", "Hello", { status: "complete" }), msg("q2", "user", "And?")],
        2_000,
      );
      expect(log.read("c1").map((m) => [m.id, m.metadata?.status])).toEqual([
        ["q1", undefined],
        ["a1", "stopped"],
        ["q2", undefined],
      ]);

      log.saveHistory("c1", [msg("q1", "user", "Hi, edited")], 3_000);
      expect(log.read("c1").map((m) => m.id)).toEqual(["q1"]);

      sql.exec(`DELETE FROM conversations WHERE id = 'c1'`);
      log.deleteAll("c1");
      log.saveAnswer("c1", msg("a2", "assistant", "Too late"));
      expect(log.read("c1")).toEqual([]);
    });
  });
});
