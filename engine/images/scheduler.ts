import { noiseArray } from "./noise";

/**
 * Euler-ancestral sampling over Stable Diffusion's noise schedule (scaled-linear betas, 1,000
 * training steps) with "trailing" timesteps, the configuration SD-Turbo was distilled for: one step
 * starts at t=999 and lands on a finished image; more steps refine it.
 */
const TRAIN_STEPS = 1000;
const BETA_START = 0.00085;
const BETA_END = 0.012;

const alphasCumprod = (() => {
  const out = new Float64Array(TRAIN_STEPS);
  let product = 1;
  for (let i = 0; i < TRAIN_STEPS; i++) {
    const root = Math.sqrt(BETA_START) + ((Math.sqrt(BETA_END) - Math.sqrt(BETA_START)) * i) / (TRAIN_STEPS - 1);
    product *= 1 - root * root;
    out[i] = product;
  }
  return out;
})();

export interface Schedule {
  timesteps: number[];
  /** One more than timesteps: the last is 0, a clean image. */
  sigmas: number[];
  /** The starting noise's scale. */
  initSigma: number;
}

export function eulerAncestralSchedule(steps: number): Schedule {
  const timesteps = Array.from({ length: steps }, (_, i) => Math.round(TRAIN_STEPS - (i * TRAIN_STEPS) / steps) - 1);
  const sigmas = [...timesteps.map((t) => Math.sqrt((1 - alphasCumprod[t]) / alphasCumprod[t])), 0];
  return { timesteps, sigmas, initSigma: Math.sqrt(sigmas[0] ** 2 + 1) };
}

/** The UNet expects its input scaled to unit variance at this noise level. */
export function scaleInput(latents: Float32Array, sigma: number): Float32Array {
  const scale = 1 / Math.sqrt(sigma * sigma + 1);
  return latents.map((v) => v * scale);
}

/** One step from sigmas[i] to sigmas[i+1], given the UNet's noise prediction (epsilon). */
export function eulerAncestralStep(
  schedule: Schedule,
  i: number,
  latents: Float32Array,
  eps: Float32Array,
  random: () => number,
): Float32Array {
  const sigma = schedule.sigmas[i];
  const next = schedule.sigmas[i + 1];
  const up = Math.sqrt((next * next * (sigma * sigma - next * next)) / (sigma * sigma));
  const down = Math.sqrt(next * next - up * up);
  const noise = up > 0 ? noiseArray(random, latents.length) : undefined;
  const out = new Float32Array(latents.length);
  // (latents - denoised) / sigma is eps itself for an epsilon-predicting model.
  for (let k = 0; k < latents.length; k++) out[k] = latents[k] + eps[k] * (down - sigma) + (noise ? noise[k] * up : 0);
  return out;
}
