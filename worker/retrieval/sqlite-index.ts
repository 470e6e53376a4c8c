import type { IndexedVector, VectorIndex, VectorMatch, VectorQuery } from "./vector-index";

/**
 * The exact vector index in the person's Durable Object: vectors as Float32 blobs (as Vectorize
 * stores them), normalised on write so a query is one dot product per passage. A brute-force scan
 * is exact and, at 10,000 passages of 768 dimensions, about 8 million multiply-adds: milliseconds
 * (`npm run bench:retrieval` measures it). Vectors are scanned only for the documents asked about.
 */
export class SqliteVectorIndex implements VectorIndex {
  readonly kind = "sqlite" as const;

  constructor(private readonly sql: SqlStorage) {
    sql.exec(`
      CREATE TABLE IF NOT EXISTS passage_vectors (
        id TEXT PRIMARY KEY,
        document_id TEXT NOT NULL,
        passage INTEGER NOT NULL,
        vector BLOB NOT NULL
      );
      CREATE INDEX IF NOT EXISTS passage_vectors_by_document ON passage_vectors (document_id);
    `);
  }

  async upsert(vectors: IndexedVector[]): Promise<void> {
    for (const v of vectors) {
      this.sql.exec(
        `INSERT OR REPLACE INTO passage_vectors (id, document_id, passage, vector) VALUES (?, ?, ?, ?)`,
        v.id,
        v.documentId,
        v.passage,
        normalised(v.values).buffer as ArrayBuffer,
      );
    }
  }

  async query(values: number[], { topK, documentIds }: VectorQuery): Promise<VectorMatch[]> {
    if (!documentIds.length || topK <= 0) return [];
    const q = normalised(values);
    const best: VectorMatch[] = [];
    const placeholders = documentIds.map(() => "?").join(",");
    const rows = this.sql.exec<{ id: string; document_id: string; passage: number; vector: ArrayBuffer }>(
      `SELECT id, document_id, passage, vector FROM passage_vectors WHERE document_id IN (${placeholders})`,
      ...documentIds,
    );
    for (const row of rows) {
      const v = new Float32Array(row.vector);
      if (v.length !== q.length) continue;
      let score = 0;
      for (let i = 0; i < v.length; i++) score += v[i] * q[i];
      if (best.length < topK || score > best[best.length - 1].score) {
        best.push({ id: row.id, documentId: row.document_id, passage: row.passage, score });
        best.sort((a, b) => b.score - a.score);
        if (best.length > topK) best.pop();
      }
    }
    return best;
  }

  async deleteByIds(ids: string[]): Promise<void> {
    // SQLite caps bound parameters per statement; deletes go in slices.
    for (let i = 0; i < ids.length; i += 90) {
      const slice = ids.slice(i, i + 90);
      this.sql.exec(`DELETE FROM passage_vectors WHERE id IN (${slice.map(() => "?").join(",")})`, ...slice);
    }
  }
}

function normalised(values: number[] | Float32Array): Float32Array {
  const out = Float32Array.from(values);
  let norm = 0;
  for (const x of out) norm += x * x;
  norm = Math.sqrt(norm) || 1;
  for (let i = 0; i < out.length; i++) out[i] /= norm;
  return out;
}
