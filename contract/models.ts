import { type TokenPrice, neuronsPerMillion } from "./pricing";

/**
 * The model catalog: the one list of Workers AI models the UI offers, the Worker accepts and the
 * local engine stands in for. Figures are Cloudflare's published ones (developers.cloudflare.com/
 * workers-ai/models, November 2026); "paid" means Workers Paid only.
 *
 * Prices, read 2026-12-01 from developers.cloudflare.com/workers-ai/platform/pricing/ (neurons per
 * M tokens, where the table lists the model) and each model page's "Unit Pricing" (dollars per M
 * tokens, turned into neurons at the page's $0.011 per 1,000 neurons). A model with no published
 * price says so (`source: "estimate"`) and carries a deliberately high estimate, so a budget counts
 * it as costing more rather than less.
 */
export type Plan = "free" | "paid";

export interface ChatModel {
  id: string;
  label: string;
  vendor: string;
  contextWindow: number;
  vision: boolean;
  tools: boolean;
  reasoning: boolean;
  /**
   * Takes a reasoning effort (low, medium, high: the conversation's `reasoningEffort`), sent as the chat
   * inputs' `reasoning_effort`. Source: the per-model input types in worker-configuration.d.ts
   * (@cloudflare/workers-types 5.20261117.1, generated from Workers AI's per-model reasoning metadata,
   * read 2026-12-07): only gpt-oss 120B and 20B take low/medium/high; GLM 4.7 Flash, Gemma 4 and
   * Kimi K2.7 Code say "no reasoning effort levels" (an on/off `enable_thinking` at most), Qwen3's
   * inputs have neither.
   */
  reasoningEffort?: boolean;
  plan: Plan;
  /** Needs a one-time licence acceptance per account (error 5016 until then). */
  needsAgreement?: boolean;
  /**
   * Takes Workers AI's JSON mode (`response_format` json_object / json_schema): only the models
   * developers.cloudflare.com/workers-ai/json-mode lists (read 2026-12-07), not streamed there.
   */
  jsonMode?: boolean;
  note?: string;
  /** What Workers AI bills for it, in neurons per million input and output tokens. */
  price: TokenPrice;
}

/** Dollars per M tokens as a model page states them, in neurons. */
const dollars = (inputPerM: number, outputPerM: number, source: TokenPrice["source"] = "published"): TokenPrice => ({
  inputPerM: neuronsPerMillion(inputPerM),
  outputPerM: neuronsPerMillion(outputPerM),
  source,
});

export const CHAT_MODELS: readonly ChatModel[] = [
  {
    id: "@cf/meta/llama-4-scout-17b-16e-instruct",
    label: "Llama 4 Scout 17B",
    vendor: "Meta",
    contextWindow: 131_000,
    vision: true,
    tools: true,
    reasoning: false,
    plan: "free",
    price: dollars(0.27, 0.85),
  },
  {
    id: "@cf/google/gemma-4-26b-a4b-it",
    label: "Gemma 4 26B A4B",
    vendor: "Google",
    contextWindow: 128_000,
    vision: true,
    tools: true,
    reasoning: true,
    plan: "free",
    price: dollars(0.27, 0.85, "estimate") /* no published price: Llama 4 Scout's, the dearer of the two similar-sized models */,
  },
  {
    id: "@cf/zai-org/glm-4.7-flash",
    label: "GLM 4.7 Flash",
    vendor: "Z.ai",
    contextWindow: 131_072,
    vision: false,
    tools: true,
    reasoning: true,
    plan: "free",
    price: dollars(0.06, 0.4),
  },
  {
    id: "@cf/openai/gpt-oss-120b",
    label: "gpt-oss 120B",
    vendor: "OpenAI",
    contextWindow: 128_000,
    vision: false,
    tools: true,
    reasoning: true,
    reasoningEffort: true,
    plan: "free",
    note: "No streaming on /ai/run: the answer arrives at once.",
    price: dollars(0.35, 0.75),
  },
  {
    id: "@cf/openai/gpt-oss-20b",
    label: "gpt-oss 20B",
    vendor: "OpenAI",
    contextWindow: 128_000,
    vision: false,
    tools: true,
    reasoning: true,
    reasoningEffort: true,
    plan: "free",
    note: "No streaming on /ai/run: the answer arrives at once.",
    price: dollars(0.2, 0.3),
  },
  {
    id: "@cf/qwen/qwen3-30b-a3b-fp8",
    label: "Qwen3 30B A3B",
    vendor: "Qwen",
    contextWindow: 32_768,
    vision: false,
    tools: true,
    reasoning: true,
    plan: "free",
    price: dollars(0.051, 0.34),
  },
  {
    id: "@cf/meta/llama-3.3-70b-instruct-fp8-fast",
    label: "Llama 3.3 70B (fast)",
    vendor: "Meta",
    contextWindow: 24_000,
    vision: false,
    tools: true,
    reasoning: false,
    plan: "free",
    jsonMode: true,
    price: { inputPerM: 26_668, outputPerM: 204_805, source: "published" },
  },
  {
    id: "@cf/meta/llama-3.2-11b-vision-instruct",
    label: "Llama 3.2 11B Vision",
    vendor: "Meta",
    contextWindow: 128_000,
    vision: true,
    tools: false,
    reasoning: false,
    plan: "free",
    needsAgreement: true,
    jsonMode: true,
    price: { inputPerM: 4_410, outputPerM: 61_493, source: "published" },
  },
  {
    id: "@cf/meta/llama-3.2-1b-instruct",
    label: "Llama 3.2 1B",
    vendor: "Meta",
    contextWindow: 60_000,
    vision: false,
    tools: false,
    reasoning: false,
    plan: "free",
    price: { inputPerM: 2_457, outputPerM: 18_252, source: "published" },
  },
  {
    id: "@cf/moonshotai/kimi-k2.7-code",
    label: "Kimi K2.7 Code",
    vendor: "Moonshot AI",
    contextWindow: 256_000,
    vision: true,
    tools: true,
    reasoning: true,
    plan: "paid",
    price: dollars(
      1,
      4,
      "estimate",
    ) /* no published price found: a 1T-parameter MoE, estimated above what other hosts charge for Kimi K2 */,
  },
];

/** Strong, multimodal and on the free plan: the model a new conversation starts with. */
export const DEFAULT_CHAT_MODEL = "@cf/meta/llama-4-scout-17b-16e-instruct";

export const CHAT_MODEL_IDS = CHAT_MODELS.map((m) => m.id) as [string, ...string[]];

export function findChatModel(id: string): ChatModel | undefined {
  return CHAT_MODELS.find((m) => m.id === id);
}

export const VISION_MODELS = CHAT_MODELS.filter((m) => m.vision);

/** Generation settings a conversation may carry, with the ranges both sides enforce. */
export const CHAT_SETTINGS_LIMITS = {
  temperature: { min: 0, max: 2, default: 0.6 },
  maxTokens: { min: 1, max: 8192, default: 1024 },
  systemPrompt: { maxLength: 8000 },
} as const;

// Embedding models live in their own catalog file (with prices), shared by /v1/embeddings and documents.
export { EMBEDDING_MODELS, findEmbeddingModel, type EmbeddingModel } from "./embedding-models";

/** The documents feature embeds with this one: a Vectorize index is created for its 768 dimensions. */
export const DOCUMENT_EMBEDDING_MODEL = "@cf/baai/bge-base-en-v1.5";

/** Cross-encoder that re-scores retrieved passages against the question. */
export const RERANKER_MODEL = "@cf/baai/bge-reranker-base";
/** Its model page (developers.cloudflare.com/workers-ai/models/bge-reranker-base): $0.0031 per million input tokens. */
export const RERANKER_PRICE: TokenPrice = { inputPerM: neuronsPerMillion(0.0031), outputPerM: 0, source: "published" };

/**
 * Workers AI's translation models (Task: Translation), called by the `translate` tool and so by the
 * built-in Translator. Not chat models: one text in as `{ text, source_lang, target_lang }` (language
 * codes such as "en", "fr", or names such as "french"; `source_lang` defaults to "en"), `{ translated_text }`
 * out, whole, with no usage report and no output limit to set. The local engine has no stand-in for them.
 */
export interface TranslationModel {
  id: string;
  label: string;
  vendor: string;
  price: TokenPrice;
}

export const TRANSLATION_MODELS: readonly TranslationModel[] = [
  {
    // developers.cloudflare.com/workers-ai/models/m2m100-1.2b (read 2026-12-07): $0.34 per M input
    // tokens and $0.34 per M output tokens, about 30.91 neurons per 1,000 tokens each way.
    id: "@cf/meta/m2m100-1.2b",
    label: "M2M100 1.2B",
    vendor: "Meta",
    price: dollars(0.34, 0.34),
  },
];

/** The one the `translate` tool uses. */
export const TRANSLATION_MODEL = "@cf/meta/m2m100-1.2b";

export function findTranslationModel(id: string): TranslationModel | undefined {
  return TRANSLATION_MODELS.find((m) => m.id === id);
}
