import type { IndexedVector, VectorIndex, VectorMatch, VectorQuery } from "./vector-index";

/** The part of the Vectorize binding this index uses. */
export type VectorizeBinding = Pick<Vectorize, "upsert" | "query" | "deleteByIds" | "getByIds">;

/** Vectorize's own limits: topK is at most 20 when metadata is returned; 1,000 vectors per upsert call. */
const MAX_TOP_K = 20;
const UPSERT_BATCH = 1000;
/** Ids read back per getByIds call: Vectorize documents no limit, so a small batch keeps each answer small. */
const GET_BATCH = 20;

/**
 * The Vectorize index. Each person's vectors sit in a namespace named by their user id, so a query
 * can only ever see theirs; metadata {user, document, passage} says what each vector is, and a
 * metadata filter on `document` (it needs a metadata index: see README) narrows a query to a
 * conversation's documents. Mutations are asynchronous in Vectorize: vectors become queryable
 * seconds after upsert returns, which is why keyword search runs beside vector search.
 */
export class VectorizeVectorIndex implements VectorIndex {
  readonly kind = "vectorize" as const;

  constructor(
    private readonly binding: VectorizeBinding,
    private readonly userId: string,
  ) {}

  async upsert(vectors: IndexedVector[]): Promise<void> {
    for (let i = 0; i < vectors.length; i += UPSERT_BATCH) {
      await this.binding.upsert(
        vectors.slice(i, i + UPSERT_BATCH).map((v) => ({
          id: v.id,
          values: v.values,
          namespace: this.userId,
          metadata: { user: this.userId, document: v.documentId, passage: v.passage },
        })),
      );
    }
  }

  async query(values: number[], { topK, documentIds }: VectorQuery): Promise<VectorMatch[]> {
    if (!documentIds.length || topK <= 0) return [];
    const { matches } = await this.binding.query(values, {
      topK: Math.min(topK, MAX_TOP_K),
      namespace: this.userId,
      filter: { document: { $in: [...documentIds] } },
      returnMetadata: "all",
      returnValues: false,
    });
    return matches
      .filter((m) => m.metadata?.user === this.userId && documentIds.includes(String(m.metadata?.document)))
      .map((m) => ({ id: m.id, documentId: String(m.metadata!.document), passage: Number(m.metadata!.passage), score: m.score }));
  }

  /**
   * Vectors another person's namespace holds under these ids become this person's (a guest merged
   * into an account): upserting the same id replaces the vector whole, namespace and metadata
   * included, so none stays behind under the old name. Ids not (yet) in the index are skipped.
   */
  async adopt(ids: string[]): Promise<void> {
    for (let i = 0; i < ids.length; i += GET_BATCH) {
      const found = await this.binding.getByIds(ids.slice(i, i + GET_BATCH));
      if (!found.length) continue;
      await this.binding.upsert(
        found.map((v) => ({
          id: v.id,
          values: v.values,
          namespace: this.userId,
          metadata: { ...v.metadata, user: this.userId },
        })),
      );
    }
  }

  async deleteByIds(ids: string[]): Promise<void> {
    for (let i = 0; i < ids.length; i += UPSERT_BATCH) await this.binding.deleteByIds(ids.slice(i, i + UPSERT_BATCH));
  }
}
