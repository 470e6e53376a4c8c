import { env } from "cloudflare:workers";
import { runInDurableObject } from "cloudflare:test";
import { describe, expect, it } from "vitest";
import { VectorizeDouble } from "../test/vectorize-double";
import { SqliteVectorIndex } from "./sqlite-index";
import { vectorId, type IndexedVector, type VectorIndex } from "./vector-index";
import { VectorizeVectorIndex } from "./vectorize-index";

const DIMS = 8;

/** One person's index plus `settle`, which waits out Vectorize's asynchronous mutations (no-op for SQLite). */
type Harness = { index: VectorIndex; settle: () => void; forPerson: (person: string) => VectorIndex };

/** Runs a contract case against each implementation: the same expectations, two backends. */
const implementations: [string, (run: (h: Harness) => Promise<void>) => Promise<void>][] = [
  [
    "SQLite (exact, in the person's Durable Object)",
    (run) => {
      // Each person has their own Durable Object; every call runs inside that object, on its database.
      const inObject = (name: string): VectorIndex => {
        const stub = env.USER_STORE.get(env.USER_STORE.idFromName(`${name}-${crypto.randomUUID()}`));
        const on = <R>(act: (index: SqliteVectorIndex) => Promise<R>) =>
          runInDurableObject(stub, (_instance, state) => act(new SqliteVectorIndex(state.storage.sql)));
        return {
          kind: "sqlite",
          upsert: (vectors) => on((i) => i.upsert(vectors)),
          query: (values, options) => on((i) => i.query(values, options)),
          deleteByIds: (ids) => on((i) => i.deleteByIds(ids)),
        };
      };
      return run({ index: inObject("person"), settle: () => {}, forPerson: inObject });
    },
  ],
  [
    "Vectorize (through the recorded-format binding double)",
    (run) => {
      const binding = new VectorizeDouble(DIMS);
      return run({
        index: new VectorizeVectorIndex(binding, "person"),
        settle: () => binding.settle(),
        forPerson: (p) => new VectorizeVectorIndex(binding, p),
      });
    },
  ],
];

function unit(axis: number, tilt = 0): number[] {
  const v = new Array<number>(DIMS).fill(0);
  v[axis] = 1;
  v[(axis + 1) % DIMS] = tilt;
  return v;
}

function vec(documentId: string, passage: number, values: number[]): IndexedVector {
  return { id: vectorId(documentId, passage), documentId, passage, values };
}

describe.each(implementations)("VectorIndex contract: %s", (_, withHarness) => {
  it("returns the closest vectors first, with document, passage and a cosine score", () =>
    withHarness(async ({ index, settle }) => {
      await index.upsert([vec("docA", 0, unit(0)), vec("docA", 1, unit(1)), vec("docA", 2, unit(0, 0.5))]);
      settle();
      const matches = await index.query(unit(0), { topK: 2, documentIds: ["docA"] });
      expect(matches.map((m) => [m.documentId, m.passage])).toEqual([
        ["docA", 0],
        ["docA", 2],
      ]);
      expect(matches[0].score).toBeCloseTo(1, 5);
      expect(matches[1].score).toBeCloseTo(1 / Math.sqrt(1.25), 5);
      expect(matches[0].id).toBe("docA:0");
    }));

  it("searches only the documents asked about", () =>
    withHarness(async ({ index, settle }) => {
      await index.upsert([vec("docA", 0, unit(0)), vec("docB", 0, unit(0)), vec("docC", 0, unit(0))]);
      settle();
      const matches = await index.query(unit(0), { topK: 10, documentIds: ["docB", "docC"] });
      expect(matches.map((m) => m.documentId).sort()).toEqual(["docB", "docC"]);
      expect(await index.query(unit(0), { topK: 10, documentIds: [] })).toEqual([]);
    }));

  it("upsert replaces a vector with the same id", () =>
    withHarness(async ({ index, settle }) => {
      await index.upsert([vec("docA", 0, unit(0))]);
      settle();
      await index.upsert([vec("docA", 0, unit(3))]);
      settle();
      const [match] = await index.query(unit(3), { topK: 1, documentIds: ["docA"] });
      expect(match.score).toBeCloseTo(1, 5);
      expect((await index.query(unit(0), { topK: 5, documentIds: ["docA"] })).length).toBe(1);
    }));

  it("deleteByIds leaves nothing of those vectors to find", () =>
    withHarness(async ({ index, settle }) => {
      await index.upsert([vec("docA", 0, unit(0)), vec("docA", 1, unit(1)), vec("docB", 0, unit(0))]);
      settle();
      await index.deleteByIds(["docA:0", "docA:1"]);
      settle();
      expect(await index.query(unit(0), { topK: 10, documentIds: ["docA"] })).toEqual([]);
      expect((await index.query(unit(0), { topK: 10, documentIds: ["docB"] })).length).toBe(1);
    }));

  it("never returns another person's vectors, even for the same document id", () =>
    withHarness(async ({ index, settle, forPerson }) => {
      await forPerson("stranger").upsert([vec("docA", 0, unit(0))]);
      settle();
      expect(await index.query(unit(0), { topK: 10, documentIds: ["docA"] })).toEqual([]);
    }));

  it("caps topK at what the backend allows and still returns the best", () =>
    withHarness(async ({ index, settle }) => {
      await index.upsert(Array.from({ length: 30 }, (_, i) => vec("docA", i, unit(i % DIMS, i / 30))));
      settle();
      const matches = await index.query(unit(0), { topK: 20, documentIds: ["docA"] });
      expect(matches.length).toBe(20);
      for (let i = 1; i < matches.length; i++) expect(matches[i - 1].score).toBeGreaterThanOrEqual(matches[i].score);
    }));
});

describe("SqliteVectorIndex specifics", () => {
  const inObject = <R>(act: (index: SqliteVectorIndex) => Promise<R>) =>
    runInDurableObject(env.USER_STORE.get(env.USER_STORE.idFromName(`exact-${crypto.randomUUID()}`)), (_instance, state) =>
      act(new SqliteVectorIndex(state.storage.sql)),
    );

  it("is exact: the top k across documents is a brute-force cosine ranking", () =>
    inObject(async (index) => {
      let seed = 7;
      const random = () => ((seed = Math.imul(seed ^ (seed >>> 13), 0x5bd1e995) >>> 0) / 2 ** 32) * 2 - 1;
      const vectors = ["docA", "docB", "docC"].flatMap((doc) =>
        Array.from({ length: 40 }, (_, i) => vec(doc, i, Array.from({ length: DIMS }, random))),
      );
      await index.upsert(vectors);
      const q = Array.from({ length: DIMS }, random);
      const norm = (v: number[]) => Math.sqrt(v.reduce((n, x) => n + x * x, 0));
      const cosine = (v: number[]) => v.reduce((n, x, i) => n + x * q[i], 0) / (norm(v) * norm(q));
      const wanted = vectors
        .filter((v) => v.documentId !== "docB")
        .map((v) => ({ id: v.id, score: cosine(v.values) }))
        .sort((a, b) => b.score - a.score)
        .slice(0, 7);
      const matches = await index.query(q, { topK: 7, documentIds: ["docA", "docC"] });
      expect(matches.map((m) => m.id)).toEqual(wanted.map((w) => w.id));
      matches.forEach((m, i) => expect(m.score).toBeCloseTo(wanted[i].score, 5));
    }));

  it("a write to a document is seen by the next question (its packed copy is dropped)", () =>
    inObject(async (index) => {
      await index.upsert([vec("docA", 0, unit(0)), vec("docA", 1, unit(1))]);
      expect((await index.query(unit(2), { topK: 1, documentIds: ["docA"] }))[0].score).toBeCloseTo(0, 5);
      await index.upsert([vec("docA", 2, unit(2))]);
      expect(await index.query(unit(2), { topK: 1, documentIds: ["docA"] })).toMatchObject([{ id: "docA:2", passage: 2 }]);
      await index.deleteByIds(["docA:2"]);
      expect((await index.query(unit(2), { topK: 3, documentIds: ["docA"] })).map((m) => m.id)).not.toContain("docA:2");
    }));
});

describe("VectorizeVectorIndex specifics", () => {
  it("writes the person's namespace and {user, document, passage} metadata, and filters by document", async () => {
    const binding = new VectorizeDouble(DIMS);
    const index = new VectorizeVectorIndex(binding, "user-1");
    await index.upsert([vec("docA", 4, unit(0))]);
    binding.settle();
    expect(binding.calls[0].args[0]).toEqual([
      { id: "docA:4", values: unit(0), namespace: "user-1", metadata: { user: "user-1", document: "docA", passage: 4 } },
    ]);
    await index.query(unit(0), { topK: 50, documentIds: ["docA"] });
    expect(binding.calls[1].args[1]).toEqual({
      topK: 20,
      namespace: "user-1",
      filter: { document: { $in: ["docA"] } },
      returnMetadata: "all",
      returnValues: false,
    });
  });

  it("until Vectorize applies a mutation, the vector is not found (why keyword search runs beside it)", async () => {
    const binding = new VectorizeDouble(DIMS);
    const index = new VectorizeVectorIndex(binding, "user-1");
    await index.upsert([vec("docA", 0, unit(0))]);
    expect(await index.query(unit(0), { topK: 5, documentIds: ["docA"] })).toEqual([]);
    binding.settle();
    expect((await index.query(unit(0), { topK: 5, documentIds: ["docA"] })).length).toBe(1);
  });
});
