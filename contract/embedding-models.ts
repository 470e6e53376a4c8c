import { neuronsPerMillion, type TokenPrice } from "./pricing";

/**
 * The embedding model catalog: Workers AI's BGE text-embedding models, offered by the
 * OpenAI-compatible `/v1/embeddings` and listed by `/v1/models`. They take `{ text: string | string[] }`
 * and answer `{ shape: [n, dims], data: number[][] }`. Figures are Cloudflare's published ones
 * (developers.cloudflare.com/workers-ai/models, November 2026).
 */
export interface EmbeddingModel {
  id: string;
  label: string;
  vendor: string;
  dimensions: number;
  /** Inputs per call Workers AI accepts. */
  maxBatch: number;
  /** Longest input, in tokens, the model reads (longer text is cut off by the model). */
  maxInputTokens: number;
  /** Input tokens only: an embedding has no output tokens. */
  price: TokenPrice;
}

// Cloudflare's pricing page (developers.cloudflare.com/workers-ai/platform/pricing/, read 2026-12-01):
// bge-small $0.020, bge-base $0.067, bge-large $0.204, bge-m3 $0.012 per million input tokens.
const perM = (dollars: number): TokenPrice => ({ inputPerM: neuronsPerMillion(dollars), outputPerM: 0, source: "published" });

export const EMBEDDING_MODELS: readonly EmbeddingModel[] = [
  {
    id: "@cf/baai/bge-small-en-v1.5",
    label: "BGE small (English)",
    vendor: "BAAI",
    dimensions: 384,
    maxBatch: 100,
    maxInputTokens: 512,
    price: perM(0.02),
  },
  {
    id: "@cf/baai/bge-base-en-v1.5",
    label: "BGE base (English)",
    vendor: "BAAI",
    dimensions: 768,
    maxBatch: 100,
    maxInputTokens: 512,
    price: perM(0.067),
  },
  {
    id: "@cf/baai/bge-large-en-v1.5",
    label: "BGE large (English)",
    vendor: "BAAI",
    dimensions: 1024,
    maxBatch: 100,
    maxInputTokens: 512,
    price: perM(0.204),
  },
  {
    id: "@cf/baai/bge-m3",
    label: "BGE M3 (multilingual)",
    vendor: "BAAI",
    dimensions: 1024,
    maxBatch: 100,
    maxInputTokens: 8192,
    price: perM(0.012),
  },
];

export function findEmbeddingModel(id: string): EmbeddingModel | undefined {
  return EMBEDDING_MODELS.find((m) => m.id === id);
}
