import { env } from "cloudflare:workers";
import { runInDurableObject } from "cloudflare:test";
import { describe, expect, it } from "vitest";
import { DocumentTables } from "./document-tables";

/** Runs `act` on a fresh person's documents tables, inside their Durable Object. */
function withTables<R>(act: (tables: DocumentTables) => R): Promise<R> {
  const stub = env.USER_STORE.get(env.USER_STORE.idFromName(`keyword-${crypto.randomUUID()}`));
  return runInDurableObject(stub, (_instance, state) => act(new DocumentTables(state.storage.sql)));
}

const add = (tables: DocumentTables, id: string, texts: string[]) =>
  tables.add(
    { id, name: `${id}.txt`, kind: "text", bytes: 0, pages: null, namespace: "n" },
    texts.map((text, index) => ({ index, text })),
  );

describe("keywordSearch (BM25 over FTS5)", () => {
  it("in a large library, leaves out words in half the passages or more: the rare word decides", () =>
    withTables((tables) => {
      const texts = Array.from({ length: 2_400 }, (_, i) => `The harbour tide rose on day ${i} and the gulls came back.`);
      texts[1_717] = "The harbour keeper lit the lantern at dusk.";
      add(tables, "big", texts);
      const found = tables.keywordSearch("Who lit the lantern in the harbour?", ["big"], 20);
      // Every passage has "harbour"; asked for, it would fill the other 19 places with noise.
      expect(found.map((f) => f.passage)).toEqual([1_717]);
    }));

  it("keeps every word when all of them are that common, and ranks as before", () =>
    withTables((tables) => {
      add(
        tables,
        "big",
        Array.from({ length: 2_400 }, (_, i) => `The harbour tide rose on day ${i}.`),
      );
      expect(tables.keywordSearch("harbour tide", ["big"], 20)).toHaveLength(20);
    }));

  it("in a small library, a word in every passage still matches (finding out costs more than it saves)", () =>
    withTables((tables) => {
      add(tables, "small", ["Tea with milk.", "Tea with lemon.", "Tea and cake."]);
      const found = tables.keywordSearch("tea cake", ["small"], 10);
      expect(found[0].passage).toBe(2);
      expect(found).toHaveLength(3);
    }));

  it("returns only the documents asked about, best first", () =>
    withTables((tables) => {
      add(tables, "a", ["The ferry leaves at dawn.", "Nothing here."]);
      add(tables, "b", ["The ferry ferry ferry timetable."]);
      expect(tables.keywordSearch("ferry", ["a"], 10)).toEqual([{ documentId: "a", passage: 0, score: expect.any(Number) }]);
      const both = tables.keywordSearch("ferry", ["a", "b"], 10);
      expect(both.map((f) => f.documentId)).toEqual(["b", "a"]);
      expect(both[0].score).toBeLessThan(both[1].score);
    }));
});
