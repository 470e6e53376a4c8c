/**
 * The image model catalog: every Workers AI text-to-image model the app offers, with the controls
 * each one accepts and their ranges. The UI draws only these controls, the Worker validates
 * against them (contract/images-api.ts) and the local engine reads the same wire names.
 * Figures are Cloudflare's published ones (developers.cloudflare.com/workers-ai/models).
 *
 * Prices, read 2026-12-01: FLUX.1 [schnell] from developers.cloudflare.com/workers-ai/platform/
 * pricing/ (4.80 neurons per 512x512 tile, 9.60 per step); FLUX.2 [dev] and [klein] 4B from their
 * model pages' "Unit Pricing" in dollars per output tile ($0.00041 per tile per step; $0.000287 per
 * tile), in neurons at $0.011 per 1,000. Stated estimates, never lower than what is published:
 * - FLUX.2 [dev] takes no steps setting here; it is priced at 25 steps, the count its docs' example uses.
 * - FLUX.2 [klein] 9B has no published price: [dev]'s per-tile-per-step price times its fixed 4 steps.
 * - The three Stable Diffusion models are beta and listed at "$0.00 per step"; a free beta can start
 *   billing, so they are counted at FLUX.1 [schnell]'s rates and their own steps.
 */
import { DOLLARS_PER_NEURON, imageCostFor, type ImagePrice } from "./pricing";

export interface NumberRange {
  min: number;
  max: number;
  default: number;
  /** The UI's increment; the Worker accepts any integer (or number for guidance) in range. */
  step: number;
}

/** A control and the name Workers AI expects for it on the wire. */
export interface Control<Wire extends string = string> {
  param: Wire;
  range: NumberRange;
}

export interface ImageModel {
  id: string;
  label: string;
  vendor: string;
  /** FLUX.2 takes multipart form data even for a bare prompt; the others take JSON. */
  input: "json" | "multipart";
  /** `{image: base64}` in the JSON result, or the image bytes themselves. */
  output: "base64-json" | "binary";
  promptMaxLength: number;
  steps?: Control<"steps" | "num_steps">;
  width?: Control<"width">;
  height?: Control<"height">;
  guidance?: Control<"guidance">;
  negativePrompt?: { param: "negative_prompt"; maxLength: number };
  /** Absent: the model takes no seed, so its images cannot be reproduced and none is shown as if they could. */
  seed?: { param: "seed"; max: number };
  note?: string;
  price: ImagePrice;
}

const perTile = (dollars: number) => dollars / DOLLARS_PER_NEURON;
const SCHNELL_PRICE: ImagePrice = { perTile: 4.8, perStep: 9.6, perTileStep: 0, steps: 4, source: "published" };
/** Beta, "$0.00 per step" today: counted at FLUX.1 [schnell]'s rates (see above). */
const SD_PRICE: ImagePrice = { ...SCHNELL_PRICE, source: "estimate" };

const SD_SIZE: NumberRange = { min: 256, max: 2048, default: 1024, step: 64 };
const FLUX2_SIZE: NumberRange = { min: 256, max: 1920, default: 1024, step: 64 };
const SEED = { param: "seed", max: 4_294_967_295 } as const;

/** Shared by the three Stable Diffusion models, which Workers AI gives the same inputs. */
function stableDiffusion(id: string, label: string, vendor: string, steps: NumberRange, guidance: NumberRange, note?: string): ImageModel {
  return {
    id,
    label,
    vendor,
    input: "json",
    output: "binary",
    promptMaxLength: 2048,
    steps: { param: "num_steps", range: steps },
    width: { param: "width", range: SD_SIZE },
    height: { param: "height", range: SD_SIZE },
    guidance: { param: "guidance", range: guidance },
    negativePrompt: { param: "negative_prompt", maxLength: 2048 },
    seed: SEED,
    price: { ...SD_PRICE, steps: steps.default },
    ...(note ? { note } : {}),
  };
}

function flux2(id: string, label: string, price: ImagePrice, note: string): ImageModel {
  return {
    id,
    label,
    vendor: "Black Forest Labs",
    input: "multipart",
    output: "base64-json",
    promptMaxLength: 2048,
    width: { param: "width", range: FLUX2_SIZE },
    height: { param: "height", range: FLUX2_SIZE },
    price,
    note,
  };
}

export const IMAGE_MODELS: readonly ImageModel[] = [
  {
    id: "@cf/black-forest-labs/flux-1-schnell",
    label: "FLUX.1 [schnell]",
    vendor: "Black Forest Labs",
    input: "json",
    output: "base64-json",
    promptMaxLength: 2048,
    steps: { param: "steps", range: { min: 1, max: 8, default: 4, step: 1 } },
    price: SCHNELL_PRICE,
    note: "Fast. Takes no seed or size: every image is new, 1024×1024.",
  },
  flux2(
    "@cf/black-forest-labs/flux-2-dev",
    "FLUX.2 [dev]",
    { perTile: 0, perStep: 0, perTileStep: perTile(0.00041), steps: 25, source: "estimate" },
    "Highest quality of the FLUX.2 family. Takes no seed.",
  ),
  flux2(
    "@cf/black-forest-labs/flux-2-klein-4b",
    "FLUX.2 [klein] 4B",
    { perTile: perTile(0.000287), perStep: 0, perTileStep: 0, steps: 4, source: "published" },
    "Fixed 4 steps. Takes no seed.",
  ),
  flux2(
    "@cf/black-forest-labs/flux-2-klein-9b",
    "FLUX.2 [klein] 9B",
    { perTile: perTile(0.00041) * 4, perStep: 0, perTileStep: 0, steps: 4, source: "estimate" },
    "Fixed 4 steps, better than 4B. Takes no seed.",
  ),
  stableDiffusion(
    "@cf/stabilityai/stable-diffusion-xl-base-1.0",
    "Stable Diffusion XL",
    "Stability AI",
    { min: 1, max: 20, default: 20, step: 1 },
    { min: 0, max: 30, default: 7.5, step: 0.5 },
  ),
  stableDiffusion(
    "@cf/bytedance/stable-diffusion-xl-lightning",
    "SDXL Lightning",
    "ByteDance",
    { min: 1, max: 20, default: 8, step: 1 },
    { min: 0, max: 30, default: 0, step: 0.5 },
    "Few steps; guidance near 0 works best.",
  ),
  stableDiffusion(
    "@cf/lykon/dreamshaper-8-lcm",
    "DreamShaper 8 LCM",
    "Lykon",
    { min: 1, max: 20, default: 8, step: 1 },
    { min: 0, max: 30, default: 1, step: 0.5 },
  ),
];

export const DEFAULT_IMAGE_MODEL = "@cf/black-forest-labs/flux-1-schnell";

export function findImageModel(id: string): ImageModel | undefined {
  return IMAGE_MODELS.find((m) => m.id === id);
}

/** The settings a person picks, by our names; each model's catalog entry says which it accepts. */
export const IMAGE_SETTING_KEYS = ["steps", "width", "height", "guidance", "negativePrompt", "seed"] as const;
export type ImageSettingKey = (typeof IMAGE_SETTING_KEYS)[number];

/**
 * One image's price with these settings: its size in 512×512 tiles and its steps. A model without
 * a size control makes 1024×1024 (FLUX.1 [schnell]); without a steps control it runs its own count.
 */
export function imageCost(model: ImageModel, settings: { width?: number; height?: number; steps?: number }): number {
  const size = {
    width: settings.width ?? model.width?.range.default ?? 1024,
    height: settings.height ?? model.height?.range.default ?? 1024,
  };
  return imageCostFor(model.price, size, model.steps ? (settings.steps ?? model.steps.range.default) : undefined);
}
