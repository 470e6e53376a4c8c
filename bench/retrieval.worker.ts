/**
 * BENCH-ONLY Worker for bench/retrieval.ts (bundled with esbuild, run in workerd by Miniflare): one
 * Durable Object holding the product's own documents tables and exact SQLite vector index, so the
 * retrieval the chat does can be loaded with generated passages and timed from outside.
 *   POST /load    {documentId, name, passages: string[], vectors: number[][]}: add a document, its vectors
 *   POST /search  {question, vector?, documentIds, mode: fts|vector|hybrid|baseline}: ranked {documentId, passage}
 *                 (baseline: hybrid with the vectors read from SQLite for every question)
 *   POST /ingest  a PDF's bytes: extraction + splitting + saving, as the upload route does them
 *   GET  /noop    a round trip to the object doing nothing (the request's own cost)
 */
import { DurableObject } from "cloudflare:workers";
import { DocumentTables } from "../worker/retrieval/document-tables";
import { extractDocument } from "../worker/retrieval/extract";
import { hybridSearch, reciprocalRankFusion } from "../worker/retrieval/hybrid";
import { splitBlocks } from "../worker/retrieval/split";
import { SqliteVectorIndex } from "../worker/retrieval/sqlite-index";
import { vectorId } from "../worker/retrieval/vector-index";

interface Env {
  INDEX: DurableObjectNamespace<BenchIndex>;
}

export class BenchIndex extends DurableObject<Env> {
  private readonly tables = new DocumentTables(this.ctx.storage.sql);
  private readonly index = new SqliteVectorIndex(this.ctx.storage.sql);
  /** The baseline the bench compares with: the same index reading every vector from SQLite per question. */
  private readonly unpacked = new SqliteVectorIndex(this.ctx.storage.sql, { keepPacked: false });

  async fetch(request: Request): Promise<Response> {
    const path = new URL(request.url).pathname;
    if (path === "/noop") return Response.json({ ok: true });
    if (path === "/ingest") {
      const bytes = new Uint8Array(await request.arrayBuffer());
      const extracted = await extractDocument(bytes, "bench.pdf");
      const passages = splitBlocks(extracted.blocks);
      const id = crypto.randomUUID();
      this.ctx.storage.transactionSync(() =>
        this.tables.add(
          { id, name: "bench.pdf", kind: "pdf", bytes: bytes.byteLength, pages: extracted.pages, namespace: "bench" },
          passages,
        ),
      );
      return Response.json({ pages: extracted.pages, passages: passages.length, chars: passages.reduce((n, p) => n + p.text.length, 0) });
    }
    const body = (await request.json()) as Record<string, any>;
    if (path === "/load") {
      const passages = (body.passages as string[]).map((text, index) => ({ index, text }));
      this.ctx.storage.transactionSync(() =>
        this.tables.add({ id: body.documentId, name: body.name, kind: "text", bytes: 0, pages: null, namespace: "bench" }, passages),
      );
      await this.index.upsert(
        (body.vectors as number[][]).map((values, passage) => ({
          id: vectorId(body.documentId, passage),
          documentId: body.documentId,
          passage,
          values,
        })),
      );
      return Response.json({ passages: passages.length });
    }
    if (path === "/search") {
      const ids = body.documentIds as string[];
      const k = 20;
      const index = body.mode === "baseline" ? this.unpacked : this.index;
      const byVector = body.vector && body.mode !== "fts" ? await index.query(body.vector, { topK: k, documentIds: ids }) : [];
      const byKeyword = body.mode !== "vector" ? this.tables.keywordSearch(body.question, ids, k) : [];
      if (body.mode === "vector") return Response.json(byVector.slice(0, 5));
      if (body.mode === "fts") return Response.json(byKeyword.slice(0, 5));
      if (body.mode === "fusion") return Response.json(reciprocalRankFusion([byVector, byKeyword]).slice(0, 5));
      // What the chat runs (less the question's embedding and the reranker): search, fuse, load the texts.
      const found = await hybridSearch(
        {
          embedQuestion: async () => body.vector,
          vectorSearch: async () => byVector,
          keywordSearch: () => byKeyword,
          load: (keys) => this.tables.passages(keys),
          rerank: async () => undefined,
        },
        { perList: k, candidates: 12, final: 5, minRerankScore: 0, minVectorScore: -1 },
      );
      return Response.json(found.map((p) => ({ documentId: p.documentId, passage: p.passage })));
    }
    return new Response("not found", { status: 404 });
  }
}

export default {
  fetch(request: Request, env: Env): Promise<Response> {
    const name = new URL(request.url).searchParams.get("person") ?? "bench";
    return env.INDEX.get(env.INDEX.idFromName(name)).fetch(request);
  },
};
