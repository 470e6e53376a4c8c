import type { ImageRecord, ImageResult, ImageSettings } from "../../contract/images-api";
import type { Cost } from "../../contract/pricing";
import type { ImageModel } from "../../contract/image-models";
import { servedLocally } from "../../contract/answer-cost";
import type { AiBackend } from "../ai/backend";
import { randomId } from "../../contract/ids";
import { log } from "../log";
import { imageFailure } from "./failure";
import { modelInputs } from "./inputs";
import { type ImageRecords, saveImage } from "./media";
import { imageFromOutput } from "./output";

export interface GenerateContext {
  backend: AiBackend;
  media: R2Bucket;
  store: ImageRecords;
  userId: string;
  signal: AbortSignal;
  /** One image's price, saved with its record. */
  cost?: Cost;
}

/**
 * One image: call the model, read whatever shape it answered in, store bytes and record. A failure
 * becomes this image's own error, so the others in a batch still arrive.
 */
export async function generateImage(
  ctx: GenerateContext,
  model: ImageModel,
  prompt: string,
  settings: ImageSettings,
  seed: number | null,
): Promise<ImageResult> {
  const started = Date.now();
  try {
    // With a seed, the same inputs make the same image: AI Gateway may serve it from its cache.
    const output = await ctx.backend.binding.run(model.id, modelInputs(model, prompt, settings, seed), {
      signal: ctx.signal,
      deterministic: seed !== null,
    });
    const image = await imageFromOutput(output);
    const servedBy = ctx.backend.servedBy();
    const record: ImageRecord = {
      id: randomId(),
      prompt,
      model: model.id,
      settings,
      seed,
      width: image.width,
      height: image.height,
      contentType: image.contentType,
      bytes: image.bytes.byteLength,
      durationMs: Date.now() - started,
      createdAt: Date.now(),
      servedBy,
      // The local engine is priced as the model it stands in for, and bills nobody: an estimate.
      ...(ctx.cost ? { cost: { ...ctx.cost, estimated: ctx.cost.estimated || servedLocally(servedBy) } } : {}),
    };
    await saveImage(ctx.media, ctx.store, ctx.userId, record, image.bytes);
    log("image.done", { model: model.id, ms: record.durationMs, bytes: record.bytes });
    return { image: record };
  } catch (error) {
    const failure = imageFailure(error);
    log("image.error", { model: model.id, code: failure.code, workersAiCode: failure.workersAiCode, detail: String(error).slice(0, 300) });
    return { error: { code: failure.code, message: failure.message } };
  }
}
