import { existsSync, mkdirSync, writeFileSync } from "node:fs";
import { join, resolve } from "node:path";
import { encodeModel, tensor, type Graph } from "../fixtures/onnx-writer";

/**
 * A tiny feature-extraction model in the BERT layout transformers.js loads for BGE (`config.json`
 * with model_type "bert", a WordPiece `tokenizer.json`, `onnx/model.onnx` taking input_ids,
 * attention_mask and token_type_ids and returning last_hidden_state), generated so the engine's
 * tests need no downloaded weights. Its vocabulary is single characters and its weights are seeded
 * noise: each position's hidden state is its token's row plus the sum over the sequence, so the
 * [CLS] vector BGE pools is a bag of characters. Similar spellings give similar vectors; meaning
 * plays no part. It exercises the pipeline, not retrieval quality.
 */
const CHARS = "abcdefghijklmnopqrstuvwxyz0123456789".split("");
const VOCAB = ["[PAD]", "[UNK]", "[CLS]", "[SEP]", ...CHARS, ...CHARS.map((c) => `##${c}`)];
const FILES = ["config.json", "tokenizer.json", "tokenizer_config.json", "onnx/model.onnx"];

export async function ensureTestEmbeddingModel(
  dimensions: number,
  dir = `.cache/test-models/embedding-tiny-${dimensions}`,
): Promise<string> {
  const root = resolve(dir);
  if (FILES.every((f) => existsSync(join(root, f)))) return root;
  mkdirSync(join(root, "onnx"), { recursive: true });
  const json = (name: string, value: unknown) => writeFileSync(join(root, name), JSON.stringify(value, null, 2));
  json("config.json", {
    architectures: ["BertModel"],
    model_type: "bert",
    hidden_size: dimensions,
    vocab_size: VOCAB.length,
    max_position_embeddings: 512,
    num_attention_heads: 1,
    num_hidden_layers: 1,
    pad_token_id: 0,
  });
  json("tokenizer.json", tokenizer());
  json("tokenizer_config.json", {
    tokenizer_class: "BertTokenizer",
    do_lower_case: true,
    cls_token: "[CLS]",
    sep_token: "[SEP]",
    pad_token: "[PAD]",
    unk_token: "[UNK]",
    model_max_length: 512,
  });
  writeFileSync(join(root, "onnx/model.onnx"), encodeModel(graph(dimensions)));
  return root;
}

function tokenizer() {
  const special = ["[PAD]", "[UNK]", "[CLS]", "[SEP]"];
  return {
    version: "1.0",
    truncation: null,
    padding: null,
    added_tokens: special.map((content) => ({
      id: VOCAB.indexOf(content),
      content,
      single_word: false,
      lstrip: false,
      rstrip: false,
      normalized: false,
      special: true,
    })),
    normalizer: { type: "BertNormalizer", clean_text: true, handle_chinese_chars: true, strip_accents: null, lowercase: true },
    pre_tokenizer: { type: "BertPreTokenizer" },
    post_processor: { type: "BertProcessing", sep: ["[SEP]", VOCAB.indexOf("[SEP]")], cls: ["[CLS]", VOCAB.indexOf("[CLS]")] },
    decoder: { type: "WordPiece", prefix: "##", cleanup: true },
    model: {
      type: "WordPiece",
      unk_token: "[UNK]",
      continuing_subword_prefix: "##",
      max_input_chars_per_word: 100,
      vocab: Object.fromEntries(VOCAB.map((t, i) => [t, i])),
    },
  };
}

function graph(dimensions: number): Graph {
  const embeddings = new Float32Array(VOCAB.length * dimensions);
  let seed = 0x9e3779b9;
  const random = () => ((seed = Math.imul(seed ^ (seed >>> 15), 0x2c1b3c6d) >>> 0) / 2 ** 32) * 2 - 1;
  // [PAD] stays zero so padding a batch changes no vector.
  for (let i = dimensions; i < embeddings.length; i++) embeddings[i] = random();
  return {
    name: "bag-of-characters",
    nodes: [
      { op: "Gather", inputs: ["embeddings", "input_ids"], outputs: ["tokens"], attrs: { axis: 0 } },
      { op: "ReduceSum", inputs: ["tokens", "sequence_axis"], outputs: ["bag"], attrs: { keepdims: 1 } },
      { op: "Add", inputs: ["tokens", "bag"], outputs: ["last_hidden_state"] },
    ],
    initializers: [tensor.f32("embeddings", [VOCAB.length, dimensions], embeddings), tensor.i64("sequence_axis", [1], [1])],
    inputs: [
      { name: "input_ids", dtype: "int64", dims: ["batch_size", "sequence_length"] },
      { name: "attention_mask", dtype: "int64", dims: ["batch_size", "sequence_length"] },
      { name: "token_type_ids", dtype: "int64", dims: ["batch_size", "sequence_length"] },
    ],
    outputs: [{ name: "last_hidden_state", dtype: "float32", dims: ["batch_size", "sequence_length", dimensions] }],
  };
}
