import { SqliteVectorIndex } from "./sqlite-index";
import type { VectorIndex } from "./vector-index";
import { VectorizeVectorIndex, type VectorizeBinding } from "./vectorize-index";

export interface IndexEnv {
  /** `sqlite` (default) or `vectorize`. */
  VECTOR_INDEX?: string;
  VECTORIZE?: VectorizeBinding;
}

/** The index the VECTOR_INDEX setting names, for one person. */
export function chooseVectorIndex(env: IndexEnv, sql: SqlStorage, namespace: string): VectorIndex {
  const setting = (env.VECTOR_INDEX || "sqlite").trim().toLowerCase();
  if (setting === "sqlite") return new SqliteVectorIndex(sql);
  if (setting === "vectorize") {
    if (!env.VECTORIZE)
      throw new Error("VECTOR_INDEX is vectorize but the Worker has no VECTORIZE binding: add one in wrangler.jsonc (see README).");
    return new VectorizeVectorIndex(env.VECTORIZE, namespace);
  }
  throw new Error(`VECTOR_INDEX must be sqlite or vectorize, not ${setting}.`);
}
