import { vectorId, type IndexedVector, type VectorIndex, type VectorMatch, type VectorQuery } from "./vector-index";

/** One document's vectors, packed for scanning: row i is passage `passages[i]`. */
interface PackedDocument {
  documentId: string;
  passages: Int32Array;
  matrix: Float32Array;
  dims: number;
}

/**
 * Packed vectors per database (one per Durable Object, so per person), per document. Copying
 * 10,000 blobs out of SQLite on every question cost more than the arithmetic; the packed copy stays
 * in the object's memory while it lives, and a write to a document drops that document's copy.
 */
const packed = new WeakMap<SqlStorage, Map<string, PackedDocument>>();
/** Floats kept packed per object (64 MB): beyond it documents are scanned from SQLite each time. */
const MAX_PACKED_FLOATS = 16_000_000;

/**
 * The exact vector index in the person's Durable Object: vectors as Float32 blobs (as Vectorize
 * stores them), normalised on write so a query is one dot product per passage. A brute-force scan
 * is exact and, at 10,000 passages of 768 dimensions, about 8 million multiply-adds: milliseconds
 * (`npm run bench:retrieval` measures it). Vectors are scanned only for the documents asked about.
 */
export class SqliteVectorIndex implements VectorIndex {
  readonly kind = "sqlite" as const;

  /** `keepPacked: false` reads the vectors from SQLite for every question: the benchmark's baseline. */
  constructor(
    private readonly sql: SqlStorage,
    private readonly options: { keepPacked: boolean } = { keepPacked: true },
  ) {
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

  private get cache(): Map<string, PackedDocument> {
    let cache = packed.get(this.sql);
    if (!cache) packed.set(this.sql, (cache = new Map()));
    return cache;
  }

  async upsert(vectors: IndexedVector[]): Promise<void> {
    for (const id of new Set(vectors.map((v) => v.documentId))) this.cache.delete(id);
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
    const best = new TopK(topK);
    for (const documentId of new Set(documentIds)) {
      const doc = this.pack(documentId);
      if (!doc || doc.dims !== q.length) continue;
      const { matrix, dims, passages } = doc;
      for (let row = 0, offset = 0; row < passages.length; row++, offset += dims) {
        const score = dot(matrix, offset, q, dims);
        if (score > best.floor) best.add(score, doc, row);
      }
    }
    return best.matches();
  }

  /** The document's vectors packed into one matrix, from memory or read once from SQLite. */
  private pack(documentId: string): PackedDocument | undefined {
    const cached = this.options.keepPacked ? this.cache.get(documentId) : undefined;
    if (cached) return cached;
    const rows = this.sql
      .exec<{ passage: number; vector: ArrayBuffer }>(`SELECT passage, vector FROM passage_vectors WHERE document_id = ?`, documentId)
      .toArray();
    if (!rows.length) return undefined;
    const dims = rows[0].vector.byteLength / 4;
    const kept = rows.filter((row) => row.vector.byteLength === dims * 4);
    const doc: PackedDocument = { documentId, passages: new Int32Array(kept.length), matrix: new Float32Array(kept.length * dims), dims };
    kept.forEach((row, n) => {
      doc.passages[n] = row.passage;
      doc.matrix.set(new Float32Array(row.vector), n * dims);
    });
    let total = doc.matrix.length;
    for (const other of this.cache.values()) total += other.matrix.length;
    if (this.options.keepPacked && total <= MAX_PACKED_FLOATS) this.cache.set(documentId, doc);
    return doc;
  }

  async deleteByIds(ids: string[]): Promise<void> {
    for (const id of ids) this.cache.delete(id.slice(0, id.lastIndexOf(":")));
    // SQLite caps bound parameters per statement; deletes go in slices.
    for (let i = 0; i < ids.length; i += 90) {
      const slice = ids.slice(i, i + 90);
      this.sql.exec(`DELETE FROM passage_vectors WHERE id IN (${slice.map(() => "?").join(",")})`, ...slice);
    }
  }
}

/** A unit-length copy, so a cosine similarity is one dot product (the memories' vectors use it too). */
export function normalised(values: readonly number[] | Float32Array): Float32Array {
  const out = Float32Array.from(values);
  let norm = 0;
  for (const x of out) norm += x * x;
  norm = Math.sqrt(norm) || 1;
  for (let i = 0; i < out.length; i++) out[i] /= norm;
  return out;
}

/**
 * One row's dot product with the question, four lanes at a time: independent sums let the CPU
 * overlap the multiply-adds, which roughly halved the scan in `npm run bench:retrieval`.
 */
export function dot(matrix: Float32Array, offset: number, q: Float32Array, dims: number): number {
  let a = 0;
  let b = 0;
  let c = 0;
  let d = 0;
  let i = 0;
  for (; i + 3 < dims; i += 4) {
    a += matrix[offset + i] * q[i];
    b += matrix[offset + i + 1] * q[i + 1];
    c += matrix[offset + i + 2] * q[i + 2];
    d += matrix[offset + i + 3] * q[i + 3];
  }
  for (; i < dims; i++) a += matrix[offset + i] * q[i];
  return a + b + c + d;
}

/** The k best rows seen so far, best first; `floor` is the score a row must beat to get in. */
class TopK {
  private readonly kept: { score: number; doc: PackedDocument; row: number }[] = [];
  floor = -Infinity;

  constructor(private readonly k: number) {}

  add(score: number, doc: PackedDocument, row: number): void {
    let at = this.kept.length;
    while (at > 0 && this.kept[at - 1].score < score) at--;
    this.kept.splice(at, 0, { score, doc, row });
    if (this.kept.length > this.k) this.kept.pop();
    if (this.kept.length === this.k) this.floor = this.kept[this.k - 1].score;
  }

  matches(): VectorMatch[] {
    return this.kept.map(({ score, doc, row }) => {
      const passage = doc.passages[row];
      return { id: vectorId(doc.documentId, passage), documentId: doc.documentId, passage, score };
    });
  }
}
