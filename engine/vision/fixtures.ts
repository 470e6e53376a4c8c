import { existsSync, mkdirSync, writeFileSync } from "node:fs";
import { join, resolve } from "node:path";
import { encodeModel, tensor, type Graph } from "../fixtures/onnx-writer";

/**
 * A tiny image-to-text model in the layout transformers.js loads for a VisionEncoderDecoder
 * (`onnx/encoder_model.onnx` + `onnx/decoder_model_merged.onnx`), generated here so the engine's tests
 * need no downloaded weights. Its weights are set by hand so the caption is predictable: it names
 * the image's dominant colour channel, "a red picture", "a green picture", "a blue picture", or
 * "a grey picture" when no channel dominates.
 *
 * Encoder: the mean of each normalised channel, as one 3-wide "hidden state".
 * Decoder: next-token logits from the last token alone (a transition table), plus, after "a", a
 * colour score from the hidden state. It has no key/value cache, so transformers.js feeds it either
 * the whole sequence or the last token and both give the same answer.
 */

const VOCAB = ["[PAD]", "[BOS]", "[EOS]", "[UNK]", "a", "picture", "red", "green", "blue", "grey"] as const;
const id = (token: (typeof VOCAB)[number]) => VOCAB.indexOf(token);
const V = VOCAB.length;
const SURE = 10;
/** The processor shrinks every image to this square before the encoder sees it. */
const IMAGE_SIDE = 16;
const FILES = [
  "config.json",
  "generation_config.json",
  "preprocessor_config.json",
  "tokenizer.json",
  "tokenizer_config.json",
  "onnx/encoder_model.onnx",
  "onnx/decoder_model_merged.onnx",
];

export async function ensureTestVisionModel(dir = ".cache/test-models/vision-tiny"): Promise<string> {
  const root = resolve(dir);
  if (FILES.every((f) => existsSync(join(root, f)))) return root;
  mkdirSync(join(root, "onnx"), { recursive: true });
  const json = (name: string, value: unknown) => writeFileSync(join(root, name), JSON.stringify(value, null, 2));
  json("config.json", config());
  json("generation_config.json", {
    decoder_start_token_id: id("[BOS]"),
    bos_token_id: id("[BOS]"),
    eos_token_id: id("[EOS]"),
    pad_token_id: id("[PAD]"),
    max_length: 16,
  });
  json("preprocessor_config.json", {
    image_processor_type: "ViTImageProcessor",
    do_resize: true,
    size: { height: IMAGE_SIDE, width: IMAGE_SIDE },
    resample: 2,
    do_rescale: true,
    rescale_factor: 1 / 255,
    do_normalize: true,
    image_mean: [0.5, 0.5, 0.5],
    image_std: [0.5, 0.5, 0.5],
  });
  json("tokenizer.json", tokenizer());
  json("tokenizer_config.json", {
    tokenizer_class: "BertTokenizer",
    bos_token: "[BOS]",
    eos_token: "[EOS]",
    pad_token: "[PAD]",
    unk_token: "[UNK]",
    model_max_length: 64,
  });
  writeFileSync(join(root, "onnx/encoder_model.onnx"), encodeModel(encoderGraph()));
  writeFileSync(join(root, "onnx/decoder_model_merged.onnx"), encodeModel(decoderGraph()));
  return root;
}

function config() {
  const special = { decoder_start_token_id: id("[BOS]"), bos_token_id: id("[BOS]"), eos_token_id: id("[EOS]"), pad_token_id: id("[PAD]") };
  return {
    architectures: ["VisionEncoderDecoderModel"],
    model_type: "vision-encoder-decoder",
    is_encoder_decoder: true,
    ...special,
    encoder: { model_type: "vit", hidden_size: 3, image_size: IMAGE_SIDE, num_channels: 3 },
    decoder: { model_type: "gpt2", vocab_size: V, n_embd: 3, n_head: 1, n_layer: 1, add_cross_attention: true, ...special },
  };
}

function tokenizer() {
  const special = ["[PAD]", "[BOS]", "[EOS]", "[UNK]"];
  return {
    version: "1.0",
    added_tokens: special.map((content) => ({
      id: id(content as (typeof VOCAB)[number]),
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
    name: "colour-encoder",
    nodes: [
      { op: "ReduceMean", inputs: ["pixel_values"], outputs: ["means"], attrs: { axes: [2, 3], keepdims: 0 } },
      { op: "Unsqueeze", inputs: ["means", "axis1"], outputs: ["last_hidden_state"] },
    ],
    initializers: [tensor.i64("axis1", [1], [1])],
    inputs: [{ name: "pixel_values", dtype: "float32", dims: ["batch_size", 3, "height", "width"] }],
    outputs: [{ name: "last_hidden_state", dtype: "float32", dims: ["batch_size", 1, 3] }],
  };
}

function decoderGraph(): Graph {
  // Row = last token, column = next token's logit.
  const next = new Float32Array(V * V);
  const follow = (from: string, to: string) => (next[id(from as never) * V + id(to as never)] = SURE);
  follow("[BOS]", "a");
  for (const colour of ["red", "green", "blue", "grey"]) follow(colour, "picture");
  for (const done of ["picture", "[PAD]", "[EOS]", "[UNK]"]) follow(done, "[EOS]");
  // After "a": each colour scores 2·own channel − the other two; "grey" wins when none stands out.
  const colourWeights = new Float32Array(3 * V);
  ["red", "green", "blue"].forEach((colour, channel) => {
    for (let c = 0; c < 3; c++) colourWeights[c * V + id(colour as never)] = (c === channel ? 2 : -1) * 5;
  });
  const colourBias = new Float32Array(V);
  colourBias[id("grey")] = 1;
  return {
    name: "colour-decoder",
    nodes: [
      { op: "Gather", inputs: ["next", "input_ids"], outputs: ["by_last_token"], attrs: { axis: 0 } },
      { op: "MatMul", inputs: ["encoder_hidden_states", "colour_weights"], outputs: ["colour_raw"] },
      { op: "Add", inputs: ["colour_raw", "colour_bias"], outputs: ["colour"] },
      { op: "Equal", inputs: ["input_ids", "a_id"], outputs: ["is_a"] },
      { op: "Cast", inputs: ["is_a"], outputs: ["is_a_f"], attrs: { to: 1 } },
      { op: "Unsqueeze", inputs: ["is_a_f", "last_axis"], outputs: ["gate"] },
      { op: "Mul", inputs: ["gate", "colour"], outputs: ["gated_colour"] },
      { op: "Add", inputs: ["by_last_token", "gated_colour"], outputs: ["logits"] },
    ],
    initializers: [
      tensor.f32("next", [V, V], next),
      tensor.f32("colour_weights", [3, V], colourWeights),
      tensor.f32("colour_bias", [V], colourBias),
      tensor.i64("a_id", [], [id("a")]),
      tensor.i64("last_axis", [1], [-1]),
    ],
    inputs: [
      { name: "input_ids", dtype: "int64", dims: ["batch_size", "decoder_sequence_length"] },
      { name: "encoder_hidden_states", dtype: "float32", dims: ["batch_size", "encoder_sequence_length", 3] },
    ],
    outputs: [{ name: "logits", dtype: "float32", dims: ["batch_size", "decoder_sequence_length", V] }],
  };
}
