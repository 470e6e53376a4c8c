import type { ImageRecord } from "../../contract/images-api";
import { findImageModel } from "../../contract/image-models";
import { formatCost } from "../../contract/pricing";

/** "DreamShaper 8 LCM · 256×256 · seed 1234 · 1.2 s · Workers AI · ≈ 12 neurons (≈ $0.00013)": what made an image, and what it cost. */
export function describe(image: ImageRecord): string {
  return [
    findImageModel(image.model)?.label ?? image.model,
    `${image.width}×${image.height}`,
    image.seed === null ? "no seed" : `seed ${image.seed}`,
    `${(image.durationMs / 1000).toFixed(1)} s`,
    image.servedBy,
    image.cost && formatCost(image.cost),
  ]
    .filter(Boolean)
    .join(" · ");
}
