import { existsSync } from "node:fs";
import { join } from "node:path";
import * as ort from "onnxruntime-node";
import sharp from "sharp";
import { gaussian, noiseArray } from "./noise";
import { eulerAncestralSchedule, eulerAncestralStep, scaleInput } from "./scheduler";
import { ClipTokenizer, CONTEXT_LENGTH } from "./tokenizer";

/**
 * Text to image in the SD-Turbo ONNX layout: tokenizer → text_encoder → UNet denoising loop →
 * vae_decoder → PNG. The same code runs the real SD-Turbo export and the generated tiny models.
 */
export const MODEL_FILES = [
  "text_encoder/model.onnx",
  "unet/model.onnx",
  "vae_decoder/model.onnx",
  "tokenizer/vocab.json",
  "tokenizer/merges.txt",
];
/** Stable Diffusion 2.x's VAE latent scale. */
const VAE_SCALE = 0.18215;
const LATENT_CHANNELS = 4;

export interface ImageJob {
  prompt: string;
  negativePrompt?: string;
  steps: number;
  /** Above 1, classifier-free guidance against the negative prompt (two UNet runs per step). */
  guidance: number;
  width: number;
  height: number;
  seed: number;
}

export function missingFiles(modelDir: string): string[] {
  return MODEL_FILES.filter((file) => !existsSync(join(modelDir, file)));
}

export class ImagePipeline {
  private constructor(
    private readonly tokenizer: ClipTokenizer,
    private readonly textEncoder: ort.InferenceSession,
    private readonly unet: ort.InferenceSession,
    private readonly vae: ort.InferenceSession,
  ) {}

  static async load(modelDir: string, threads: number): Promise<ImagePipeline> {
    const options: ort.InferenceSession.SessionOptions = {
      intraOpNumThreads: threads,
      interOpNumThreads: 1,
      graphOptimizationLevel: "all",
    };
    const open = (part: string) => ort.InferenceSession.create(join(modelDir, part, "model.onnx"), options);
    const [textEncoder, unet, vae] = await Promise.all([open("text_encoder"), open("unet"), open("vae_decoder")]);
    return new ImagePipeline(ClipTokenizer.load(modelDir), textEncoder, unet, vae);
  }

  /** `checkpoint` runs between model calls and throws to stop early (an abort). */
  async generate(job: ImageJob, checkpoint: () => void = () => {}): Promise<Buffer> {
    const cond = await this.encode(job.prompt);
    const guided = job.guidance > 1;
    const uncond = guided ? await this.encode(job.negativePrompt ?? "") : undefined;
    checkpoint();

    const [h, w] = [Math.ceil(job.height / 8), Math.ceil(job.width / 8)];
    const random = gaussian(job.seed);
    const schedule = eulerAncestralSchedule(job.steps);
    let latents: Float32Array = noiseArray(random, LATENT_CHANNELS * h * w).map((v) => v * schedule.initSigma);
    for (let i = 0; i < schedule.timesteps.length; i++) {
      const input = scaleInput(latents, schedule.sigmas[i]);
      let eps: Float32Array = await this.predictNoise(input, h, w, schedule.timesteps[i], cond);
      if (uncond) {
        const free = await this.predictNoise(input, h, w, schedule.timesteps[i], uncond);
        eps = free.map((u, k) => u + job.guidance * (eps[k] - u));
      }
      checkpoint();
      latents = eulerAncestralStep(schedule, i, latents, eps, random);
    }

    const decoded = await this.vae.run({
      latent_sample: new ort.Tensor(
        "float32",
        latents.map((v) => v / VAE_SCALE),
        [1, LATENT_CHANNELS, h, w],
      ),
    });
    checkpoint();
    return toPng(decoded.sample, job.width, job.height);
  }

  private async encode(text: string): Promise<ort.Tensor> {
    const ids = this.tokenizer.encode(text);
    // Exports differ: Optimum writes int32 input ids, others int64.
    const tensor =
      inputType(this.textEncoder, "input_ids") === "int32"
        ? new ort.Tensor("int32", Int32Array.from(ids), [1, CONTEXT_LENGTH])
        : new ort.Tensor("int64", BigInt64Array.from(ids, BigInt), [1, CONTEXT_LENGTH]);
    return (await this.textEncoder.run({ input_ids: tensor })).last_hidden_state;
  }

  private async predictNoise(sample: Float32Array, h: number, w: number, timestep: number, context: ort.Tensor): Promise<Float32Array> {
    const t =
      inputType(this.unet, "timestep") === "float32"
        ? new ort.Tensor("float32", Float32Array.of(timestep), [1])
        : new ort.Tensor("int64", BigInt64Array.of(BigInt(timestep)), [1]);
    const out = await this.unet.run({
      sample: new ort.Tensor("float32", sample, [1, LATENT_CHANNELS, h, w]),
      timestep: t,
      encoder_hidden_states: context,
    });
    return out.out_sample.data as Float32Array;
  }

  async close(): Promise<void> {
    await Promise.all([this.textEncoder.release(), this.unet.release(), this.vae.release()]);
  }
}

function inputType(session: ort.InferenceSession, name: string): string | undefined {
  const meta = session.inputMetadata.find((m) => m.name === name);
  return meta?.isTensor ? meta.type : undefined;
}

/** [1,3,H,W] in -1…1 to an RGB PNG, cropped to the requested size (latents round sizes up to 8). */
async function toPng(sample: ort.Tensor, width: number, height: number): Promise<Buffer> {
  const [, , H, W] = sample.dims;
  const data = sample.data as Float32Array;
  const rgb = Buffer.alloc(H * W * 3);
  for (let c = 0; c < 3; c++) {
    for (let p = 0; p < H * W; p++) {
      const v = data[c * H * W + p] / 2 + 0.5;
      rgb[p * 3 + c] = Math.round(Math.min(1, Math.max(0, v)) * 255);
    }
  }
  return sharp(rgb, { raw: { width: W, height: H, channels: 3 } })
    .extract({ left: 0, top: 0, width, height })
    .png()
    .toBuffer();
}
