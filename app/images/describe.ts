import type { ImageRecord } from "../../contract/images-api";
import { findImageModel } from "../../contract/image-models";

/** "DreamShaper 8 LCM · 256×256 · seed 1234 · 1.2 s · Workers AI": what made an image. */
export function describe(image: ImageRecord): string {
  return [
    findImageModel(image.model)?.label ?? image.model,
    `${image.width}×${image.height}`,
    image.seed === null ? "no seed" : `seed ${image.seed}`,
    `${(image.durationMs / 1000).toFixed(1)} s`,
    image.servedBy,
  ].join(" · ");
}
