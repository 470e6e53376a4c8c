import { dot, normalised } from "../../retrieval/sqlite-index";
/**
 * The memories' embeddings (./schema.ts, migration 2), one per memory, normalised on write so a
 * question is scored by one dot product each. Read whole for every question: at most 200 rows of
 * 3 KB, so there is nothing to gain from the packed cache the documents' index keeps.
 */
export class MemoryVectors {
  constructor(
    private readonly sql: SqlStorage,
    /** Vectors of another model (a deployment that changed it) are not comparable: treated as missing. */
    readonly model: string,
  ) {}

  put(memoryId: string, values: readonly number[]): void {
    this.sql.exec(
      `INSERT OR REPLACE INTO memory_vectors (memory_id, model, vector) VALUES (?, ?, ?)`,
      memoryId,
      this.model,
      normalised(values).buffer as ArrayBuffer,
    );
  }

  /** The memories closest to the question first, with their cosine similarity. */
  nearest(question: readonly number[], topK: number): { memoryId: string; score: number }[] {
    const q = normalised(question);
    return this.sql
      .exec<{ memory_id: string; vector: ArrayBuffer }>(`SELECT memory_id, vector FROM memory_vectors WHERE model = ?`, this.model)
      .toArray()
      .filter((row) => row.vector.byteLength === q.length * 4)
      .map((row) => ({ memoryId: row.memory_id, score: dot(new Float32Array(row.vector), 0, q, q.length) }))
      .sort((a, b) => b.score - a.score)
      .slice(0, topK);
  }

  /** Memories with no vector of this model, oldest first: what a question embeds along with itself. */
  missing(limit: number): { id: string; text: string }[] {
    return this.sql
      .exec<{ id: string; text: string }>(
        `SELECT m.id, m.text FROM memories m LEFT JOIN memory_vectors v ON v.memory_id = m.id AND v.model = ?
         WHERE v.memory_id IS NULL ORDER BY m.created_at, m.id LIMIT ?`,
        this.model,
        limit,
      )
      .toArray();
  }

  count(): number {
    return this.sql.exec<{ n: number }>(`SELECT count(*) AS n FROM memory_vectors WHERE model = ?`, this.model).one().n;
  }
}
