import { existsSync, mkdirSync, writeFileSync } from "node:fs";
import { join, resolve } from "node:path";
import { encodeModel, type Graph, tensor } from "../fixtures/onnx-writer";

/**
 * A tiny English-only Whisper in the layout transformers.js loads (`onnx/encoder_model.onnx` +
 * `onnx/decoder_model_merged.onnx`, Whisper's feature extractor and tokenizer), generated so the
 * engine's tests need no downloaded weights. It cannot hear words: its hand-set weights say whether
 * there was sound at all, "sound." for audio with energy in it and "quiet." for silence, which is
 * enough to prove the whole pipeline (WAV decoding, log-mel features, encoder, decoding, Whisper's
 * tokenizer) runs on real audio and that the audio reaches the model.
 *
 * Features: 4 mel bins of Whisper's log-mel (log10, floored 8 below the loudest frame, then
 * (x + 4) / 4), over 30 s padded with zeros. Pure silence is -1.5 everywhere; anything audible lifts
 * the mean well above -1.
 * Encoder: the mean of each mel bin over time, as one 4-wide hidden state.
 * Decoder: next-token logits from the last token (a transition table), plus, right after
 * <|notimestamps|>, 20 * (mean + 1) for "sound" and the opposite for "quiet". No key/value cache:
 * transformers.js then feeds it the whole sequence each step.
 */

// Words first: Whisper's tokenizer takes every id above <|notimestamps|> for a timestamp.
const VOCAB = [
  "[UNK]",
  "sound",
  "quiet",
  ".",
  "<|endoftext|>",
  "<|startoftranscript|>",
  "<|en|>",
  "<|transcribe|>",
  "<|translate|>",
  "<|notimestamps|>",
] as const;
type Token = (typeof VOCAB)[number];
const id = (token: Token) => VOCAB.indexOf(token);
const V = VOCAB.length;
const MELS = 4;
const SURE = 10;
const FILES = [
  "config.json",
  "generation_config.json",
  "preprocessor_config.json",
  "tokenizer.json",
  "tokenizer_config.json",
  "onnx/encoder_model.onnx",
  "onnx/decoder_model_merged.onnx",
];

export async function ensureTestWhisperModel(dir = ".cache/test-models/whisper-tiny-test"): Promise<string> {
  const root = resolve(dir);
  if (FILES.every((f) => existsSync(join(root, f)))) return root;
  mkdirSync(join(root, "onnx"), { recursive: true });
  const json = (name: string, value: unknown) => writeFileSync(join(root, name), JSON.stringify(value, null, 2));
  const special = {
    decoder_start_token_id: id("<|startoftranscript|>"),
    bos_token_id: id("<|endoftext|>"),
    eos_token_id: id("<|endoftext|>"),
    pad_token_id: id("<|endoftext|>"),
  };
  json("config.json", {
    architectures: ["WhisperForConditionalGeneration"],
    model_type: "whisper",
    is_encoder_decoder: true,
    vocab_size: V,
    num_mel_bins: MELS,
    d_model: MELS,
    encoder_layers: 1,
    decoder_layers: 1,
    encoder_attention_heads: 1,
    decoder_attention_heads: 1,
    max_source_positions: 1500,
    max_target_positions: 32,
    ...special,
  });
  json("generation_config.json", {
    ...special,
    max_length: 32,
    is_multilingual: false,
    no_timestamps_token_id: id("<|notimestamps|>"),
    suppress_tokens: [],
    begin_suppress_tokens: [],
    forced_decoder_ids: null,
  });
  json("preprocessor_config.json", {
    feature_extractor_type: "WhisperFeatureExtractor",
    feature_size: MELS,
    sampling_rate: 16_000,
    hop_length: 160,
    n_fft: 400,
    chunk_length: 30,
    n_samples: 480_000,
    nb_max_frames: 3000,
    padding_side: "right",
    padding_value: 0,
    return_attention_mask: false,
  });
  json("tokenizer.json", tokenizer());
  json("tokenizer_config.json", {
    tokenizer_class: "WhisperTokenizer",
    bos_token: "<|endoftext|>",
    eos_token: "<|endoftext|>",
    pad_token: "<|endoftext|>",
    unk_token: "[UNK]",
    model_max_length: 32,
  });
  writeFileSync(join(root, "onnx/encoder_model.onnx"), encodeModel(encoderGraph()));
  writeFileSync(join(root, "onnx/decoder_model_merged.onnx"), encodeModel(decoderGraph()));
  return root;
}

function tokenizer() {
  return {
    version: "1.0",
    added_tokens: VOCAB.filter((t) => t.startsWith("<|") || t === "[UNK]").map((content) => ({
      id: id(content),
      content,
      single_word: false,
      lstrip: false,
      rstrip: false,
      normalized: false,
      special: true,
    })),
    normalizer: null,
    pre_tokenizer: { type: "WhitespaceSplit" },
    post_processor: null,
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

function encoderGraph(): Graph {
  return {
    name: "loudness-encoder",
    nodes: [
      { op: "ReduceMean", inputs: ["input_features"], outputs: ["means"], attrs: { axes: [2], keepdims: 0 } },
      { op: "Unsqueeze", inputs: ["means", "axis1"], outputs: ["last_hidden_state"] },
    ],
    initializers: [tensor.i64("axis1", [1], [1])],
    inputs: [{ name: "input_features", dtype: "float32", dims: ["batch_size", MELS, "frames"] }],
    outputs: [{ name: "last_hidden_state", dtype: "float32", dims: ["batch_size", 1, MELS] }],
  };
}

function decoderGraph(): Graph {
  const next = new Float32Array(V * V);
  const follow = (from: Token, to: Token) => {
    next[id(from) * V + id(to)] = SURE;
  };
  follow("<|startoftranscript|>", "<|notimestamps|>");
  follow("sound", ".");
  follow("quiet", ".");
  for (const done of [".", "[UNK]", "<|endoftext|>", "<|en|>", "<|transcribe|>", "<|translate|>"] as const) follow(done, "<|endoftext|>");
  // After <|notimestamps|>: the mean of the 4 bins (their sum / 4) decides, 20 * (mean + 1) = 5 * sum + 20.
  const weights = new Float32Array(MELS * V);
  for (let m = 0; m < MELS; m++) {
    weights[m * V + id("sound")] = 5;
    weights[m * V + id("quiet")] = -5;
  }
  const bias = new Float32Array(V);
  bias[id("sound")] = 20;
  bias[id("quiet")] = -20;
  return {
    name: "loudness-decoder",
    nodes: [
      { op: "Gather", inputs: ["next", "input_ids"], outputs: ["by_last_token"], attrs: { axis: 0 } },
      { op: "MatMul", inputs: ["encoder_hidden_states", "weights"], outputs: ["heard_raw"] },
      { op: "Add", inputs: ["heard_raw", "bias"], outputs: ["heard"] },
      { op: "Equal", inputs: ["input_ids", "gate_id"], outputs: ["is_gate"] },
      { op: "Cast", inputs: ["is_gate"], outputs: ["is_gate_f"], attrs: { to: 1 } },
      { op: "Unsqueeze", inputs: ["is_gate_f", "last_axis"], outputs: ["gate"] },
      { op: "Mul", inputs: ["gate", "heard"], outputs: ["gated"] },
      { op: "Add", inputs: ["by_last_token", "gated"], outputs: ["logits"] },
    ],
    initializers: [
      tensor.f32("next", [V, V], next),
      tensor.f32("weights", [MELS, V], weights),
      tensor.f32("bias", [V], bias),
      tensor.i64("gate_id", [], [id("<|notimestamps|>")]),
      tensor.i64("last_axis", [1], [-1]),
    ],
    inputs: [
      { name: "input_ids", dtype: "int64", dims: ["batch_size", "decoder_sequence_length"] },
      { name: "encoder_hidden_states", dtype: "float32", dims: ["batch_size", "encoder_sequence_length", MELS] },
    ],
    outputs: [{ name: "logits", dtype: "float32", dims: ["batch_size", "decoder_sequence_length", V] }],
  };
}
