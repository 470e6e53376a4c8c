/**
 * Full-text search over message text and titles (SQLite FTS5 in the person's Durable Object).
 * Workers AI is a TEST DOUBLE (recorded format) scripted with each answer's text.
 */
import { runInDurableObject } from "cloudflare:test";
import { env } from "cloudflare:workers";
import { afterEach, beforeEach, describe, expect, it, vi } from "vitest";
import type { ChatMessage } from "../../../contract/messages";
import { HIGHLIGHT_END, HIGHLIGHT_START, MAX_SEARCH_CHARS, snippetSegments, type SearchHit } from "../../../contract/search";
import { finalMetadata, newConversationId, readUiStream, readUntil, TestClient, userMessage } from "../../test/client";
import { heldSseStream, legacyChunks, recordedRun, sseStream } from "../../test/recorded-ai";
import { storeOf } from "../../test/store-of";
import { MIGRATIONS, migrateLegacy as migrate } from "../legacy-schema";
import { ftsQuery, searchMessages } from "./search";
import type { UserStore } from "../user-store";

/** The answers the model double gives, in order; past the end it repeats the last. */
let answers: string[] = [];
beforeEach(() => {
  answers = ["An answer."];
  let next = 0;
  vi.spyOn(env.AI, "run").mockImplementation(
    recordedRun(() => sseStream(legacyChunks([answers[Math.min(next++, answers.length - 1)]]))).run as never,
  );
});
afterEach(() => vi.restoreAllMocks());

async function newClient() {
  const client = new TestClient();
  await client.startGuest();
  return client;
}

async function ask(client: TestClient, question: string, answer: string, id = newConversationId()) {
  answers = [answer];
  await readUiStream(await client.chat({ id, messages: [userMessage(question)] }));
  return id;
}

async function searchFor(
  client: TestClient,
  q: string,
): Promise<{ status: number; hits: SearchHit[]; error?: { code: string; message: string } }> {
  const response = await client.fetch(`/api/search?q=${encodeURIComponent(q)}`);
  const body = (await response.json()) as { hits: SearchHit[]; error?: { code: string; message: string } };
  return { status: response.status, hits: body.hits, error: body.error };
}

async function messagesOf(client: TestClient, id: string): Promise<ChatMessage[]> {
  return ((await (await client.fetch(`/api/conversations/${id}`)).json()) as { messages: ChatMessage[] }).messages;
}

const highlighted = (hit: SearchHit) =>
  snippetSegments(hit.snippet)
    .filter((s) => s.highlighted)
    .map((s) => s.text.toLowerCase());

describe("search over messages", () => {
  it("finds a word that appears only in an answer, with a highlighted snippet and the answer's id", async () => {
    const client = await newClient();
    const id = await ask(client, "Which rodent is the largest?", "The capybara is the largest living rodent, at up to 66 kilograms.");
    const answerId = (await messagesOf(client, id)).find((m) => m.role === "assistant")!.id;

    const { status, hits } = await searchFor(client, "CAPYBARA");
    expect(status).toBe(200);
    expect(hits).toHaveLength(1);
    expect(hits[0]).toMatchObject({
      conversationId: id,
      conversationTitle: "Which rodent is the largest?",
      messageId: answerId,
      role: "assistant",
    });
    expect(hits[0].snippet).toContain(`${HIGHLIGHT_START}capybara${HIGHLIGHT_END}`);
    expect(highlighted(hits[0])).toEqual(["capybara"]);

    // Every word must match, in any order; the last word matches as a prefix (search as you type).
    expect((await searchFor(client, "rodent capy")).hits.map((h) => h.messageId)).toEqual([answerId]);
    expect((await searchFor(client, "capybara penguin")).hits).toEqual([]);
  });

  it("indexes text parts only: not the JSON around them, reasoning, or metadata", async () => {
    const client = await newClient();
    await ask(client, "Say something", "Plain words here.");
    // Keys and values of the stored JSON: status "complete", part types, the role.
    for (const noise of ["complete", "step", "parts", "metadata", "assistant"])
      expect((await searchFor(client, noise)).hits, noise).toEqual([]);
  });

  it("finds titles, including a renamed one, as hits with no message", async () => {
    const client = await newClient();
    const id = await ask(client, "hello there", "Hi.");
    expect((await client.json(`/api/conversations/${id}`, "PATCH", { title: "Zanzibar itinerary" })).status).toBe(200);
    const { hits } = await searchFor(client, "zanzibar");
    expect(hits).toEqual([
      expect.objectContaining({ conversationId: id, messageId: null, role: null, conversationTitle: "Zanzibar itinerary" }),
    ]);
    // The old title's words no longer find the title (the question still holds them).
    expect((await searchFor(client, "hello")).hits.every((h) => h.messageId !== null)).toBe(true);
  });

  it("one person's search never sees another's messages", async () => {
    const alice = await newClient();
    const bob = await newClient();
    await ask(alice, "Tell me a secret", "The password is marmalade.");
    expect((await searchFor(alice, "marmalade")).hits).toHaveLength(1);
    expect((await searchFor(bob, "marmalade")).hits).toEqual([]);
    // A visitor with no identity yet gets nothing, and no store is made for them.
    expect((await searchFor(new TestClient(), "marmalade")).hits).toEqual([]);
  });

  it("survives hostile queries: FTS5 syntax is plain text, punctuation finds nothing, and a long query is a clear 400", async () => {
    const client = await newClient();
    await ask(client, "Quote me", 'She said "near" the river, NEAR the sea, or not * at all.');
    for (const q of [
      '"',
      "*",
      "NEAR(",
      'near"',
      "NEAR(river sea, 2)",
      "OR",
      "river OR",
      "text:river",
      "^river",
      "-river",
      "(",
      "'",
      "\\",
      "\u0000",
      "🙂",
      "a AND",
    ]) {
      const result = await searchFor(client, q);
      expect(result.status, q).toBe(200);
      expect(Array.isArray(result.hits), q).toBe(true);
    }
    expect((await searchFor(client, '"')).hits).toEqual([]);
    expect((await searchFor(client, "*** !!! ((")).hits).toEqual([]);
    expect((await searchFor(client, "NEAR(river")).hits).toHaveLength(1);
    expect((await searchFor(client, '"the river"')).hits).toHaveLength(1);

    const long = await searchFor(client, "x".repeat(10_000));
    expect(long.status).toBe(400);
    expect(long.error).toMatchObject({ code: "bad_request" });
    expect(long.error!.message).toContain(`${MAX_SEARCH_CHARS} characters`);
    expect((await searchFor(client, "river ".repeat(33).slice(0, MAX_SEARCH_CHARS))).status).toBe(200);
  });

  it("finds every version of a regenerated answer, and nothing once the conversation is deleted", async () => {
    const client = await newClient();
    const id = await ask(client, "Name a fruit", "Quince.");
    const question = (await messagesOf(client, id))[0];
    answers = ["Persimmon."];
    await readUiStream(await client.chat({ id, messages: [question], trigger: "regenerate-message" }));
    // Regenerate keeps the earlier answer as another version (a branch): both are the person's text.
    const versions = [(await searchFor(client, "quince")).hits, (await searchFor(client, "persimmon")).hits];
    expect(versions.map((hits) => hits.length)).toEqual([1, 1]);
    expect(versions[0][0].messageId).not.toBe(versions[1][0].messageId);

    expect((await client.fetch(`/api/conversations/${id}`, { method: "DELETE" })).status).toBe(204);
    expect((await searchFor(client, "persimmon")).hits).toEqual([]);
    expect((await searchFor(client, "fruit")).hits).toEqual([]);
  });

  it("finds what an import wrote", async () => {
    const client = await newClient();
    const id = await ask(client, "Origami", "Fold the crane's wings last.");
    const exported = await (await client.fetch(`/api/conversations/${id}/export?format=json`)).text();
    const imported = await client.fetch("/api/import", { method: "POST", headers: { "content-type": "application/json" }, body: exported });
    expect(imported.status).toBe(201);
    const copyId = ((await imported.json()) as { conversations: { id: string }[] }).conversations[0].id;
    expect(new Set((await searchFor(client, "crane")).hits.map((h) => h.conversationId))).toEqual(new Set([id, copyId]));
  });

  it("a guest's messages merged into another store are searchable there, and the index is not copied", async () => {
    const guest = await newClient();
    const target = await newClient();
    await ask(guest, "Knots", "A bowline makes a fixed loop.");
    const dump = await storeOf(guest).exportData();
    expect(dump.tables.map((t) => t.name).filter((name) => name.startsWith("search"))).toEqual([]);
    expect(await storeOf(target).importData(guest.userId!, dump)).toMatchObject({ skipped: 0 });
    expect((await searchFor(target, "bowline")).hits).toHaveLength(1);
  });
});

/** The rows of a conversation in the search index now, without searching (a search indexes what waits first). */
async function indexedRows(client: TestClient, id: string): Promise<string[]> {
  return runInDurableObject(storeOf(client), (_store: UserStore, state) =>
    state.storage.sql
      .exec<{ message_id: string }>(`SELECT message_id FROM search_rows WHERE conversation_id = ?`, id)
      .toArray()
      .map((row) => row.message_id)
      .sort(),
  );
}

describe("a turn's question is indexed with its answer, not before the model call", () => {
  it("is found while its answer is still being written: a search indexes what waits first", async () => {
    const client = await newClient();
    let upstream!: ReturnType<typeof heldSseStream>;
    vi.spyOn(env.AI, "run").mockImplementation(
      recordedRun((call) => {
        upstream = heldSseStream(legacyChunks(["Mostly ", "in Mexico."]), 1, call.options?.signal as AbortSignal);
        return upstream.stream;
      }).run as never,
    );
    const id = newConversationId();
    const question = userMessage("Where do axolotls live?");
    const { reader } = await readUntil(await client.chat({ id, messages: [question] }), "Mostly");
    // The model was called with nothing of the turn indexed yet (schema.ts, migration 9).
    expect(await indexedRows(client, id)).toEqual([]);

    const hits = (await searchFor(client, "axolotls")).hits;
    expect(hits.map((h) => [h.messageId, h.role])).toEqual(
      expect.arrayContaining([
        [null, null],
        [question.id, "user"],
      ]),
    );
    expect(hits).toHaveLength(2);

    await runInDurableObject(storeOf(client), () => upstream.release());
    while (!(await reader.read()).done);
    const answerId = (await messagesOf(client, id)).find((m) => m.role === "assistant")!.id;
    expect(await indexedRows(client, id)).toEqual(["", question.id, answerId].sort());
    expect((await searchFor(client, "mexico")).hits.map((h) => h.messageId)).toEqual([answerId]);
  });

  it("is indexed when its answer fails, in the transaction that saves the failed answer", async () => {
    const client = await newClient();
    vi.spyOn(env.AI, "run").mockImplementation(recordedRun(() => sseStream(legacyChunks(["Half "]), { failAfter: 1 })).run as never);
    const id = newConversationId();
    const question = userMessage("What do quokkas eat?");
    const chunks = await readUiStream(await client.chat({ id, messages: [question] }));
    expect(finalMetadata(chunks)?.status).toBe("failed");
    // Indexed before anyone searched: by the answer's save, not by the search.
    const answerId = (await messagesOf(client, id)).find((m) => m.role === "assistant")!.id;
    expect(await indexedRows(client, id)).toEqual(["", question.id, answerId].sort());
    const hits = (await searchFor(client, "quokkas")).hits;
    expect(hits.map((h) => h.messageId).sort()).toEqual([null, question.id].sort());
  });

  it("a finished turn leaves nothing waiting to be indexed", async () => {
    const client = await newClient();
    const id = await ask(client, "Tapirs?", "Yes.");
    await runInDurableObject(storeOf(client), (_store: UserStore, state) => {
      const waiting = state.storage.sql
        .exec<{ n: number }>(
          `SELECT (SELECT COUNT(*) FROM messages WHERE search_pending <> 0) + (SELECT COUNT(*) FROM conversations WHERE search_pending <> 0) AS n`,
        )
        .one().n;
      expect(waiting).toBe(0);
    });
    expect(await indexedRows(client, id)).toHaveLength(3);
  });
});

describe("the search migration", () => {
  it("indexes the conversations and messages a store already had", async () => {
    const index = MIGRATIONS.findIndex((sql) => sql.includes("CREATE VIRTUAL TABLE search_index"));
    expect(index).toBeGreaterThan(0);
    const stub = env.USER_STORE.get(env.USER_STORE.idFromName(`search-backfill-${crypto.randomUUID()}`));
    await runInDurableObject(stub, async (_store: UserStore, state) => {
      const sql = state.storage.sql;
      // A database from before the search migration (the frozen shared list), with rows written then.
      await state.storage.deleteAll();
      migrate(state.storage, MIGRATIONS.slice(0, index));
      sql.exec(`INSERT INTO conversations (id, title, created_at, updated_at) VALUES ('c1', 'Sourdough starter', 1, 1)`);
      const body = (role: string, parts: unknown[]) => JSON.stringify({ id: `${role}-1`, role, parts });
      sql.exec(
        `INSERT INTO messages (conversation_id, id, position, body) VALUES ('c1', 'user-1', 0, ?)`,
        body("user", [{ type: "text", text: "How often to feed it?" }]),
      );
      sql.exec(
        `INSERT INTO messages (conversation_id, id, position, body) VALUES ('c1', 'assistant-1', 1, ?)`,
        body("assistant", [
          { type: "step-start" },
          { type: "reasoning", text: "hydration thoughts" },
          { type: "text", text: "Feed it twice daily" },
          { type: "text", text: "with rye flour." },
        ]),
      );
      sql.exec(`INSERT INTO messages (conversation_id, id, position, body) VALUES ('c1', 'broken', 2, 'not json')`);

      migrate(state.storage);

      expect(searchMessages(sql, "sourdough").map((h) => h.messageId)).toEqual([null]);
      expect(searchMessages(sql, "daily rye").map((h) => h.messageId)).toEqual(["assistant-1"]);
      expect(searchMessages(sql, "hydration")).toEqual([]);
      expect(sql.exec(`SELECT title_by FROM conversations`).one().title_by).toBe("words");
    });
  });
});

describe("ftsQuery", () => {
  it("quotes each word as a term and the last as a prefix; no words, no query", () => {
    expect(ftsQuery(' NEAR(river "sea" ')).toBe('"NEAR" "river" "sea"*');
    expect(ftsQuery("*** ((")).toBeNull();
    expect(ftsQuery("")).toBeNull();
    expect(ftsQuery("café au lait")).toBe('"café" "au" "lait"*');
  });
});

describe("snippetSegments", () => {
  it("splits on the markers into plain and highlighted runs, never HTML", () => {
    expect(snippetSegments(`a <b>${HIGHLIGHT_START}river${HIGHLIGHT_END} c`)).toEqual([
      { text: "a <b>", highlighted: false },
      { text: "river", highlighted: true },
      { text: " c", highlighted: false },
    ]);
  });
});
