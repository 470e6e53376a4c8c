/**
 * Retrieval benchmark for chat with your documents. Everything runs on the product's own code:
 * the documents tables (FTS5/BM25), the exact SQLite vector index and hybridSearch, inside a
 * Durable Object in workerd (bench/retrieval.worker.ts, bundled with esbuild, run by Miniflare).
 *  1. Recall@5 on generated documents with planted facts, for BM25 alone, vectors alone, and hybrid
 *     (reciprocal rank fusion), with the embedding model that is present: LOCAL_EMBEDDING_MODEL_DIR
 *     (a real BGE export) if set, else the generated tiny BERT-layout model, whose vectors are noise.
 *  2. Retrieval time at 10,000 passages for one person: p50/p95 of the hybrid search, the question's
 *     embedding excluded (a fixed vector is sent), timed from Node around the request, next to an
 *     empty round trip to the same object.
 *  3. Ingestion of a generated 300-page PDF: extraction + splitting + saving in workerd (timed), the
 *     same extraction in Node for peak memory, and the embedding calls it needs counted separately.
 *   npm run bench:retrieval        PASSAGES=10000 QUERIES=200 PAGES=300 SECTIONS=123
 */
import { build } from "esbuild";
import { convertV4MiniflareOptions, Miniflare } from "miniflare";
import { execSync } from "node:child_process";
import { DOCUMENT_EMBEDDING_MODEL } from "../contract/models";
import { EMBED_BATCH, embeddingNeurons } from "../worker/retrieval/embed";
import { extractDocument } from "../worker/retrieval/extract";
import { splitBlocks } from "../worker/retrieval/split";
import { makePdf } from "../worker/test/pdf-fixtures";
import { ensureTestEmbeddingModel } from "../engine/embeddings/fixtures";
import { fmt, median } from "./stack";

const PASSAGES = Number(process.env.PASSAGES ?? 10_000);
const QUERIES = Number(process.env.QUERIES ?? 200);
const PAGES = Number(process.env.PAGES ?? 300);
/** Which parts to run, e.g. SECTIONS=2 for the timing alone. */
const SECTIONS = new Set((process.env.SECTIONS ?? "123").split(""));
const DIMS = 768;
/** Moves with E2E_PORT_BASE, so checkouts benchmarking side by side do not collide. */
const PORT = process.env.E2E_PORT_BASE ? Number(process.env.E2E_PORT_BASE) + 60 : 8897;

// A deterministic generator, so every run builds the same documents.
let seed = 42;
const rand = () => (seed = Math.imul(seed ^ (seed >>> 13), 0x5bd1e995) >>> 0) / 2 ** 32;
const pick = <T>(xs: readonly T[]) => xs[Math.floor(rand() * xs.length)];
const WORDS =
  "harbour tide ship weather season crew cargo dock pier lantern rope sail anchor storm fog gull net deck mast keel hull wave current shore reef buoy chart compass signal bell".split(
    " ",
  );
const filler = () => Array.from({ length: 22 }, () => pick(WORDS)).join(" ") + ".";
const THINGS = [
  "vault code",
  "ferry captain",
  "lighthouse keeper",
  "harbour fee",
  "signal colour",
  "dock number",
  "cargo weight",
  "bell count",
  "net length",
  "crew size",
];
const PLACES = ["Arden", "Brisk", "Calder", "Dunmore", "Elsby", "Fenwick", "Garth", "Holm", "Islay", "Jura"];

interface Fact {
  documentId: string;
  passage: number;
  question: string;
}

function corpus(documents: number, passagesPer: number) {
  const docs: { id: string; passages: string[] }[] = [];
  const facts: Fact[] = [];
  for (let d = 0; d < documents; d++) {
    const passages = Array.from({ length: passagesPer }, () => [filler(), filler(), filler()].join(" "));
    docs.push({ id: `doc${d}`, passages });
  }
  for (let f = 0; f < 50; f++) {
    const doc = docs[f % docs.length];
    const passage = Math.floor(rand() * doc.passages.length);
    const thing = THINGS[f % THINGS.length];
    const place = PLACES[Math.floor(f / THINGS.length) % PLACES.length];
    const value = 1000 + Math.floor(rand() * 9000);
    doc.passages[passage] = `${filler()} The ${thing} of ${place} is ${value}. ${filler()}`;
    facts.push({ documentId: doc.id, passage, question: `What is the ${thing} of ${place}?` });
  }
  return { docs, facts };
}

async function embedder(): Promise<{ name: string; embed: (texts: string[]) => Promise<number[][]> }> {
  const { env, pipeline } = await import("@huggingface/transformers");
  const real = process.env.LOCAL_EMBEDDING_MODEL_DIR;
  const dir = real ?? (await ensureTestEmbeddingModel(DIMS));
  env.allowRemoteModels = false;
  env.localModelPath = dir.slice(0, dir.lastIndexOf("/"));
  const extractor = (await pipeline("feature-extraction", dir.slice(dir.lastIndexOf("/") + 1), { dtype: "fp32" })) as unknown as (
    t: string[],
    o: object,
  ) => Promise<{ tolist(): number[][] }>;
  return {
    name: real
      ? `${real} (LOCAL_EMBEDDING_MODEL_DIR)`
      : "the generated tiny BERT-layout model (character-bag noise, not a real embedding model)",
    embed: async (texts) => {
      const out: number[][] = [];
      for (let i = 0; i < texts.length; i += EMBED_BATCH)
        out.push(...(await extractor(texts.slice(i, i + EMBED_BATCH), { pooling: "cls", normalize: true })).tolist());
      return out;
    },
  };
}

const bundle = await build({
  entryPoints: ["bench/retrieval.worker.ts"],
  bundle: true,
  format: "esm",
  platform: "neutral",
  target: "es2023",
  conditions: ["workerd", "worker", "browser"],
  mainFields: ["module", "main"],
  external: ["node:*", "cloudflare:*"],
  write: false,
  logLevel: "error",
});
const mf = new Miniflare(
  convertV4MiniflareOptions({
    host: "127.0.0.1",
    port: PORT,
    workers: [
      {
        name: "retrieval-bench",
        modules: [{ type: "ESModule", path: "worker.mjs", contents: bundle.outputFiles[0].text }],
        compatibilityDate: "2026-10-12",
        compatibilityFlags: ["nodejs_compat"],
        durableObjects: { INDEX: { className: "BenchIndex", useSQLite: true } },
      },
    ],
  }),
);

const post = async (base: string, path: string, person: string, body: unknown) => {
  const response = await fetch(`${base}${path}?person=${person}`, {
    method: "POST",
    body: body instanceof Uint8Array ? new Blob([body as Uint8Array<ArrayBuffer>]) : JSON.stringify(body),
  });
  if (!response.ok) throw new Error(`${path}: ${response.status} ${await response.text()}`);
  return response.json() as Promise<any>;
};
const loadAverage = () =>
  execSync("uptime")
    .toString()
    .trim()
    .replace(/^.*load average/, "load average");
const percentile = (xs: number[], p: number) => [...xs].sort((a, b) => a - b)[Math.min(xs.length - 1, Math.floor(p * xs.length))];

try {
  const base = (await mf.ready).toString().replace(/\/$/, "");
  console.log(`Retrieval benchmark; ${loadAverage()}`);

  const model = await embedder();
  // 1. Recall@5.
  if (SECTIONS.has("1")) {
    const { docs, facts } = corpus(10, 40);
    for (const doc of docs)
      await post(base, "/load", "recall", {
        documentId: doc.id,
        name: `${doc.id}.txt`,
        passages: doc.passages,
        vectors: await model.embed(doc.passages),
      });
    const questionVectors = await model.embed(facts.map((f) => f.question));
    const ids = docs.map((d) => d.id);
    console.log(`\n1. Recall@5: ${facts.length} planted facts in ${docs.length} documents of 40 passages; embeddings: ${model.name}`);
    for (const mode of ["fts", "vector", "hybrid"] as const) {
      let hits = 0;
      for (const [i, fact] of facts.entries()) {
        const found = (await post(base, "/search", "recall", {
          question: fact.question,
          vector: questionVectors[i],
          documentIds: ids,
          mode,
        })) as { documentId: string; passage: number }[];
        if (found.some((f) => f.documentId === fact.documentId && f.passage === fact.passage)) hits++;
      }
      console.log(`  ${mode.padEnd(7)} recall@5 = ${(hits / facts.length).toFixed(2)} (${hits}/${facts.length})`);
    }
  }

  // 2. Retrieval time at PASSAGES passages for one person.
  if (SECTIONS.has("2")) {
    const perDoc = 500;
    const randomVector = () => Array.from({ length: DIMS }, () => rand() * 2 - 1);
    const bigIds: string[] = [];
    for (let d = 0; d * perDoc < PASSAGES; d++) {
      const passages = Array.from({ length: perDoc }, () => [filler(), filler(), filler()].join(" "));
      await post(base, "/load", "big", { documentId: `big${d}`, name: `big${d}.txt`, passages, vectors: passages.map(randomVector) });
      bigIds.push(`big${d}`);
    }
    // Every mode runs in turn within each round, so the machine's load falls on all of them alike:
    // the baseline (vectors read from SQLite on every question, not kept packed in memory) and the
    // lists alone are measured in the same seconds as the hybrid search they are compared with.
    const modes = ["noop", "hybrid", "baseline", "vector", "fts"] as const;
    const times: Record<(typeof modes)[number], number[]> = { noop: [], hybrid: [], baseline: [], vector: [], fts: [] };
    const rounds = QUERIES + 10;
    for (let i = 0; i < rounds; i++) {
      const body = {
        question: `What is the ${pick(THINGS)} of the ${pick(WORDS)} ${pick(WORDS)}?`,
        vector: randomVector(),
        documentIds: bigIds,
      };
      for (const mode of modes) {
        // The slower modes run on every fifth round only: enough samples for a median.
        if ((mode === "baseline" || mode === "vector" || mode === "fts") && i % 5) continue;
        const start = performance.now();
        if (mode === "noop") await fetch(`${base}/noop?person=big`);
        else await post(base, "/search", "big", { ...body, mode });
        if (i >= 10) times[mode].push(performance.now() - start);
      }
    }
    const line = (xs: number[]) => `p50 ${fmt(median(xs))} ms, p90 ${fmt(percentile(xs, 0.9))} ms (${xs.length} queries)`;
    console.log(
      `\n2. Hybrid retrieval at ${bigIds.length * perDoc} passages (${DIMS} dimensions, ${bigIds.length} documents) for one person, the question's embedding and the reranker excluded (both are model calls); ${loadAverage()}:`,
    );
    console.log(
      `  hybrid (vectors packed in the object's memory): ${line(times.hybrid)}   target p50 ≤ 50 ms: ${median(times.hybrid) <= 50 ? "MET" : "NOT MET"}`,
    );
    console.log(`  baseline, same run (vectors read from SQLite for every question): ${line(times.baseline)}`);
    console.log(`  of which: vector search alone ${line(times.vector)}; BM25 alone ${line(times.fts)}`);
    console.log(`  an empty round trip to the object: ${line(times.noop)}`);
  }

  // 3. Ingestion of a generated PAGES-page PDF.
  if (SECTIONS.has("3")) {
    const pdf = makePdf(
      Array.from({ length: PAGES }, (_, p) =>
        Array.from({ length: 40 }, (_, l) => `Page ${p + 1} line ${l + 1}: ${Array.from({ length: 10 }, () => pick(WORDS)).join(" ")}.`),
      ),
    );
    let start = performance.now();
    const ingested = (await post(base, "/ingest", "ingest", pdf)) as { pages: number; passages: number; chars: number };
    const workerdMs = performance.now() - start;
    let peak = process.memoryUsage().rss;
    const before = peak;
    const sampler = setInterval(() => (peak = Math.max(peak, process.memoryUsage().rss)), 5);
    start = performance.now();
    const extracted = await extractDocument(pdf, "bench.pdf");
    const passages = splitBlocks(extracted.blocks);
    const nodeMs = performance.now() - start;
    clearInterval(sampler);
    peak = Math.max(peak, process.memoryUsage().rss);
    const calls = Math.ceil(passages.length / EMBED_BATCH);
    start = performance.now();
    await model.embed(passages.map((p) => p.text));
    const embedMs = performance.now() - start;
    console.log(
      `\n3. Ingestion of a generated ${PAGES}-page PDF (${(pdf.byteLength / 1024).toFixed(0)} KB, ${ingested.chars.toLocaleString("en-US")} characters → ${ingested.passages} passages):`,
    );
    console.log(`  extraction + splitting + saving in workerd: ${fmt(workerdMs)} ms (first call, includes loading unpdf)`);
    console.log(
      `  the same extraction + splitting in Node: ${fmt(nodeMs)} ms, peak RSS +${((peak - before) / 1024 / 1024).toFixed(1)} MB over ${(before / 1024 / 1024).toFixed(0)} MB`,
    );
    const neurons = embeddingNeurons(
      DOCUMENT_EMBEDDING_MODEL,
      passages.map((p) => (p.heading ? `${p.heading}\n${p.text}` : p.text)),
    );
    console.log(
      `  embedding, counted separately: ${calls} calls of ≤ ${EMBED_BATCH} passages; with ${model.name.split(" (")[0]} in Node: ${fmt(embedMs)} ms in all`,
    );
    console.log(
      `  what those calls are charged on ${DOCUMENT_EMBEDDING_MODEL} (the catalog's price, reserved and settled per call): ${neurons.toLocaleString("en-US")} neurons`,
    );
  }
} finally {
  await mf.dispose();
}
