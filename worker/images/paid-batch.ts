import type { ImageResult, ImageSettings } from "../../contract/images-api";
import { imageCost, type ImageModel } from "../../contract/image-models";
import { resolveAiBackend } from "../ai/backend";
import { budgetsOf, reserve, settle, type Budgets, type Payer } from "../spend/spend";
import { generateImage } from "./generate";
import type { ImageRecords } from "./media";

/** Where a paid batch's images are kept: the person's gallery, which can say first whether they fit. */
export interface Gallery extends ImageRecords {
  checkRoomForImages(count: number): void | Promise<void>;
}

export interface PaidBatch {
  env: Env;
  payer: Payer;
  /** The daily budgets to reserve against (the Worker's configuration unless given). */
  budgets?: Budgets;
  gallery: Gallery;
  signal: AbortSignal;
}

/**
 * Images made and paid for, one per seed, as both the image studio (POST /api/images) and the chat's
 * generate_image tool make them: refused before any model call when the gallery has no room for them
 * (they would be paid for and thrown away), the batch's price reserved against the person's budgets,
 * then each image generated (each failure is that image's own result), and the reservation settled
 * to the images that arrived (a model that answered with an error made nothing to bill).
 */
export async function generatePaidImages(
  batch: PaidBatch,
  model: ImageModel,
  prompt: string,
  settings: ImageSettings,
  seeds: (number | null)[],
): Promise<ImageResult[]> {
  const { env, payer, gallery, signal } = batch;
  await gallery.checkRoomForImages(seeds.length);
  const cost = { neurons: imageCost(model, settings), estimated: model.price.source !== "published" };
  const reservation = await reserve(
    env,
    { ...payer, use: { kind: "images", model: model.id } },
    cost.neurons * seeds.length,
    Date.now(),
    batch.budgets ?? budgetsOf(env),
  );
  let results: ImageResult[] = [];
  try {
    const ctx = { backend: resolveAiBackend(env), media: env.MEDIA, store: gallery, userId: payer.userId, signal, cost };
    results = await Promise.all(seeds.map((seed) => generateImage(ctx, model, prompt, settings, seed)));
  } finally {
    await settle(env, reservation, cost.neurons * results.filter((r) => "image" in r).length);
  }
  return results;
}
