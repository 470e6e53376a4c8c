import { mkdir, rename, writeFile } from "node:fs/promises";
import { dirname, join, resolve } from "node:path";
import { encodeModel, tensor, type Graph } from "../fixtures/onnx-writer";
import { missingFiles } from "./pipeline";
import { gaussian } from "./noise";
import { byteToUnicode, CONTEXT_LENGTH } from "./tokenizer";

/**
 * Tiny stand-ins for SD-Turbo, generated (never downloaded): the same folders, file names, tensor
 * names and shapes, with a few thousand fixed pseudo-random weights. They paint noise, but noise
 * that depends on the prompt and the seed exactly as the real models' output does.
 */
const HIDDEN = 16;
const MERGES = ["t h", "th e</w>", "a n", "i n", "o n</w>", "e r</w>", "r e", "s t"];

export async function ensureTestImageModels(dir = ".cache/test-models/sd-tiny"): Promise<string> {
  const root = resolve(dir);
  if (missingFiles(root).length === 0) return root;
  const weights = gaussian(20_240_601);
  const random = (n: number, scale: number) => Array.from({ length: n }, () => weights() * scale);
  const vocab = tinyVocab();
  const files: Record<string, Uint8Array | string> = {
    "tokenizer/vocab.json": JSON.stringify(vocab),
    "tokenizer/merges.txt": ["#version: 0.2", ...MERGES].join("\n") + "\n",
    "text_encoder/model.onnx": encodeModel(textEncoder(Object.keys(vocab).length, random)),
    "unet/model.onnx": encodeModel(unet(random)),
    "vae_decoder/model.onnx": encodeModel(vaeDecoder(random)),
  };
  for (const [file, content] of Object.entries(files)) {
    const path = join(root, file);
    await mkdir(dirname(path), { recursive: true });
    // Written aside and renamed: a test and the e2e stack may generate at the same time.
    const temp = `${path}.${process.pid}.tmp`;
    await writeFile(temp, content);
    await rename(temp, path);
  }
  return root;
}

/** CLIP's layout in miniature: the 256 byte characters, each again with "</w>", merges, then start and end. */
function tinyVocab(): Record<string, number> {
  const bytes = byteToUnicode();
  const tokens = [...bytes, ...bytes.map((c) => `${c}</w>`), ...MERGES.map((m) => m.replace(" ", "")), "<|startoftext|>", "<|endoftext|>"];
  return Object.fromEntries(tokens.map((t, i) => [t, i]));
}

type Random = (n: number, scale: number) => number[];

/** input_ids [1,77] → last_hidden_state [1,77,D]: an embedding table and a tanh. */
function textEncoder(vocabSize: number, random: Random): Graph {
  return {
    name: "text_encoder",
    nodes: [
      { op: "Gather", inputs: ["embedding", "input_ids"], outputs: ["embedded"], attrs: { axis: 0 } },
      { op: "Tanh", inputs: ["embedded"], outputs: ["last_hidden_state"] },
    ],
    initializers: [tensor.f32("embedding", [vocabSize, HIDDEN], random(vocabSize * HIDDEN, 1.5))],
    inputs: [{ name: "input_ids", dtype: "int64", dims: [1, CONTEXT_LENGTH] }],
    outputs: [{ name: "last_hidden_state", dtype: "float32", dims: [1, CONTEXT_LENGTH, HIDDEN] }],
  };
}

/** sample, timestep, encoder_hidden_states → out_sample: a 3×3 convolution plus a prompt- and time-dependent shift. */
function unet(random: Random): Graph {
  return {
    name: "unet",
    nodes: [
      { op: "Conv", inputs: ["sample", "conv_w", "conv_b"], outputs: ["conv"], attrs: { pads: [1, 1, 1, 1] } },
      { op: "ReduceMean", inputs: ["encoder_hidden_states"], outputs: ["pooled"], attrs: { axes: [1], keepdims: 0 } },
      { op: "MatMul", inputs: ["pooled", "prompt_w"], outputs: ["prompt_shift"] },
      { op: "Reshape", inputs: ["prompt_shift", "per_channel"], outputs: ["prompt_bias"] },
      { op: "Cast", inputs: ["timestep"], outputs: ["t"], attrs: { to: 1 } },
      { op: "Mul", inputs: ["t", "time_scale"], outputs: ["time_bias"] },
      { op: "Add", inputs: ["conv", "prompt_bias"], outputs: ["with_prompt"] },
      { op: "Add", inputs: ["with_prompt", "time_bias"], outputs: ["out_sample"] },
    ],
    initializers: [
      tensor.f32("conv_w", [4, 4, 3, 3], random(144, 0.15)),
      tensor.f32("conv_b", [4], random(4, 0.1)),
      tensor.f32("prompt_w", [HIDDEN, 4], random(HIDDEN * 4, 0.3)),
      tensor.i64("per_channel", [4], [1, 4, 1, 1]),
      tensor.f32("time_scale", [1], [0.0005]),
    ],
    inputs: [
      { name: "sample", dtype: "float32", dims: [1, 4, "height", "width"] },
      { name: "timestep", dtype: "int64", dims: [1] },
      { name: "encoder_hidden_states", dtype: "float32", dims: [1, CONTEXT_LENGTH, HIDDEN] },
    ],
    outputs: [{ name: "out_sample", dtype: "float32", dims: [1, 4, "height", "width"] }],
  };
}

/** latent_sample [1,4,h,w] → sample [1,3,8h,8w]: upsample ×8, a 3×3 convolution, tanh into −1…1. */
function vaeDecoder(random: Random): Graph {
  return {
    name: "vae_decoder",
    nodes: [
      { op: "Resize", inputs: ["latent_sample", "", "scales"], outputs: ["upsampled"], attrs: { mode: "linear" } },
      { op: "Conv", inputs: ["upsampled", "conv_w", "conv_b"], outputs: ["rgb"], attrs: { pads: [1, 1, 1, 1] } },
      { op: "Tanh", inputs: ["rgb"], outputs: ["sample"] },
    ],
    initializers: [
      tensor.f32("scales", [4], [1, 1, 8, 8]),
      tensor.f32("conv_w", [3, 4, 3, 3], random(108, 0.01)),
      tensor.f32("conv_b", [3], [0, 0, 0]),
    ],
    inputs: [{ name: "latent_sample", dtype: "float32", dims: [1, 4, "height", "width"] }],
    outputs: [{ name: "sample", dtype: "float32", dims: [1, 3, "image_height", "image_width"] }],
  };
}
