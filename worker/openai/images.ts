import type { Context } from "hono";
import type { ImageSettings } from "../../contract/images-api";
import { DEFAULT_IMAGE_MODEL, findImageModel, imageCost, type ImageModel } from "../../contract/image-models";
import type { AppEnv } from "../http/app-types";
import { log } from "../log";
import { imageFailure } from "../images/failure";
import { effectiveSettings, modelInputs } from "../images/inputs";
import { imageFromOutput } from "../images/output";
import { readOpenAiBody, unixSeconds } from "./body";
import { ParamError } from "./errors";
import { runModel } from "./run";
import { imagesSchema } from "./schemas";
import { admitSpend } from "./spend";

/**
 * POST /v1/images/generations: up to 4 images from the catalog's image models, returned as
 * `b64_json` (the API stores nothing to link to). Every model's output shape is normalised as the
 * image studio does (worker/images/output.ts). Each image is one model call and costs what an
 * image costs on the app's own pages; if any fails the request fails, as OpenAI's does, but the
 * images that were made are still counted (they were paid for).
 */
export async function imageGenerations(c: Context<AppEnv>): Promise<Response> {
  const request = await readOpenAiBody(c, imagesSchema, 64_000);
  const model = findImageModel(request.model ?? DEFAULT_IMAGE_MODEL);
  if (!model) throw new ParamError("model", `There is no image model called ${request.model}. GET /v1/models lists them.`, "unknown_model");
  if (request.prompt.length > model.promptMaxLength)
    throw new ParamError("prompt", `${model.id} takes prompts of at most ${model.promptMaxLength} characters.`);
  const settings = effectiveSettings(model, sizeSettings(model, request.size));
  const count = request.n ?? 1;

  const perImage = imageCost(model, settings);
  const spend = await admitSpend(c, perImage * count, { kind: "images", model: model.id });
  const results = await Promise.allSettled(
    Array.from({ length: count }, async () => {
      // No seed is sent: each of the n images must differ, and a seedless call is never served from the gateway cache.
      const output = await runModel(c, model.id, modelInputs(model, request.prompt, settings, null), { deterministic: false });
      return imageFromOutput(output);
    }),
  );
  const made = results.flatMap((r) => (r.status === "fulfilled" ? [r.value] : []));
  // Always settled, to 0 when nothing was made: an unsettled reservation counts in full all day.
  c.executionCtx.waitUntil(
    spend.settle(made.length * perImage).catch((error) => log("v1.usage.error", { model: model.id, detail: String(error).slice(0, 300) })),
  );
  const failed = results.find((r): r is PromiseRejectedResult => r.status === "rejected");
  if (failed) throw imageFailure(failed.reason);
  return c.json({ created: unixSeconds(), data: made.map((image) => ({ b64_json: toBase64(image.bytes) })) });
}

/** OpenAI's `size` ("1024x768") as the model's width and height controls, within their ranges. */
function sizeSettings(model: ImageModel, size: string | null | undefined): ImageSettings {
  if (!size || size === "auto") return {};
  const [width, height] = size.split("x").map(Number);
  if (!model.width || !model.height) {
    if (width === 1024 && height === 1024) return {};
    throw new ParamError("size", `${model.id} makes 1024x1024 images only.`);
  }
  const { min, max } = model.width.range;
  if (width < min || width > max || height < model.height.range.min || height > model.height.range.max) {
    throw new ParamError("size", `${model.id} makes images from ${min} to ${max} pixels on a side.`);
  }
  return { width, height };
}

function toBase64(bytes: Uint8Array): string {
  let binary = "";
  for (let i = 0; i < bytes.length; i += 0x8000) binary += String.fromCharCode(...bytes.subarray(i, i + 0x8000));
  return btoa(binary);
}
