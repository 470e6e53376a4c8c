/**
 * Where passage vectors live and are searched. Two implementations answer the same contract
 * (vector-index.contract.ts runs against both): Vectorize in production, and an exact index in the
 * person's own Durable Object SQLite (the default; needs no Cloudflare service and is exact).
 * Every index is one person's: the SQLite one by living in their Durable Object, the Vectorize one
 * by a namespace named after them.
 */
export interface IndexedVector {
  /** `<document>:<passage>`: unique, and says what it is. */
  id: string;
  documentId: string;
  passage: number;
  values: number[];
}

export interface VectorMatch {
  id: string;
  documentId: string;
  passage: number;
  /** Cosine similarity: higher is closer. */
  score: number;
}

export interface VectorQuery {
  topK: number;
  /** Only vectors of these documents (a conversation's attachments). */
  documentIds: readonly string[];
}

export interface VectorIndex {
  readonly kind: "sqlite" | "vectorize";
  /** Inserts or replaces vectors by id. */
  upsert(vectors: IndexedVector[]): Promise<void>;
  /** The closest vectors, best first. */
  query(values: number[], options: VectorQuery): Promise<VectorMatch[]>;
  deleteByIds(ids: string[]): Promise<void>;
}

export function vectorId(documentId: string, passage: number): string {
  return `${documentId}:${passage}`;
}
