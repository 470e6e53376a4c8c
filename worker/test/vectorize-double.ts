/**
 * TEST DOUBLE of a Vectorize index binding (Vectorize has no local simulator), for Worker tests
 * only. It keeps the recorded shapes of Cloudflare's Workers binding: mutations answer
 * `{ mutationId }` and apply asynchronously (here: when the test calls `settle()`, as vectors become
 * queryable seconds later in Vectorize); `query` answers `{ matches: [{ id, score, metadata? }], count }`
 * by cosine similarity within one namespace, honours `$eq`/`$in` metadata filters, and refuses a
 * topK over 20 when metadata is returned, as Vectorize does. Values are stored as Float32.
 */
interface Stored {
  id: string;
  namespace: string;
  values: Float32Array;
  metadata?: Record<string, VectorizeVectorMetadata>;
}

export class VectorizeDouble {
  private readonly vectors = new Map<string, Stored>();
  private pending: (() => void)[] = [];
  private mutations = 0;
  readonly calls: { method: string; args: unknown[] }[] = [];

  constructor(private readonly dimensions: number) {}

  /** Applies queued mutations, as Vectorize does a few seconds after they return. */
  settle(): void {
    for (const apply of this.pending.splice(0)) apply();
  }

  async upsert(vectors: VectorizeVector[]): Promise<VectorizeAsyncMutation> {
    this.calls.push({ method: "upsert", args: [vectors] });
    for (const v of vectors) {
      if (v.values.length !== this.dimensions)
        throw new Error(
          `VECTOR_UPSERT_ERROR (code = 40012): invalid vector for id="${v.id}", expected ${this.dimensions} dimensions, and got ${v.values.length} dimensions`,
        );
      if (new TextEncoder().encode(v.id).length > 64) throw new Error(`VECTOR_UPSERT_ERROR (code = 40008): id too long`);
    }
    const copies = vectors.map((v) => ({
      id: v.id,
      namespace: v.namespace ?? "",
      values: Float32Array.from(v.values),
      metadata: v.metadata,
    }));
    this.pending.push(() => copies.forEach((c) => this.vectors.set(c.id, c)));
    return { mutationId: this.nextMutation() };
  }

  async insert(vectors: VectorizeVector[]): Promise<VectorizeAsyncMutation> {
    return this.upsert(vectors.filter((v) => !this.vectors.has(v.id)));
  }

  async deleteByIds(ids: string[]): Promise<VectorizeAsyncMutation> {
    this.calls.push({ method: "deleteByIds", args: [ids] });
    const copy = [...ids];
    this.pending.push(() => copy.forEach((id) => this.vectors.delete(id)));
    return { mutationId: this.nextMutation() };
  }

  async getByIds(ids: string[]): Promise<VectorizeVector[]> {
    return ids.flatMap((id) => {
      const v = this.vectors.get(id);
      return v ? [{ id: v.id, namespace: v.namespace, values: [...v.values], metadata: v.metadata }] : [];
    });
  }

  async query(vector: number[] | VectorFloatArray, options: VectorizeQueryOptions = {}): Promise<VectorizeMatches> {
    this.calls.push({ method: "query", args: [vector, options] });
    const topK = options.topK ?? 5;
    const withMetadata = options.returnMetadata === true || options.returnMetadata === "all";
    if (topK > (withMetadata || options.returnValues ? 20 : 100))
      throw new Error("VECTOR_QUERY_ERROR (code = 40025): topK too large for the requested return fields");
    const q = Float32Array.from(vector);
    const matches = [...this.vectors.values()]
      .filter((v) => (options.namespace === undefined || v.namespace === options.namespace) && matchesFilter(v.metadata, options.filter))
      .map((v) => ({ v, score: cosine(q, v.values) }))
      .sort((a, b) => b.score - a.score)
      .slice(0, topK)
      .map(
        ({ v, score }): VectorizeMatch => ({
          id: v.id,
          score,
          namespace: v.namespace,
          ...(withMetadata ? { metadata: v.metadata } : {}),
          ...(options.returnValues ? { values: [...v.values] } : {}),
        }),
      );
    return { matches, count: matches.length };
  }

  /** Every vector the double holds (after settle), for tests that count what is left. */
  size(namespace?: string): number {
    return [...this.vectors.values()].filter((v) => namespace === undefined || v.namespace === namespace).length;
  }

  private nextMutation(): string {
    return `mutation-${++this.mutations}`;
  }
}

function matchesFilter(metadata: Record<string, VectorizeVectorMetadata> | undefined, filter: VectorizeQueryOptions["filter"]): boolean {
  if (!filter) return true;
  return Object.entries(filter).every(([key, condition]) => {
    const value = metadata?.[key];
    if (condition !== null && typeof condition === "object" && !Array.isArray(condition)) {
      const c = condition as Record<string, unknown>;
      if ("$in" in c) return (c.$in as unknown[]).includes(value);
      if ("$nin" in c) return !(c.$nin as unknown[]).includes(value);
      if ("$eq" in c) return value === c.$eq;
      if ("$ne" in c) return value !== c.$ne;
      throw new Error(`VECTOR_QUERY_ERROR: unsupported filter operator in ${JSON.stringify(c)}`);
    }
    return value === condition;
  });
}

function cosine(a: Float32Array, b: Float32Array): number {
  let dot = 0;
  let na = 0;
  let nb = 0;
  for (let i = 0; i < a.length; i++) {
    dot += a[i] * b[i];
    na += a[i] * a[i];
    nb += b[i] * b[i];
  }
  return dot / (Math.sqrt(na * nb) || 1);
}
