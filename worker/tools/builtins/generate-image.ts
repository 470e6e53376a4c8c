import { tool, zodSchema, type Tool } from "ai";
import { z } from "zod";
import { AppError } from "../../../contract/errors";
import type { ImageRecord } from "../../../contract/images-api";
import { DEFAULT_IMAGE_MODEL, findImageModel, IMAGE_MODELS } from "../../../contract/image-models";
import { generatePaidImages } from "../../images/paid-batch";
import { effectiveSettings, randomSeed } from "../../images/inputs";
import type { Budgets, Payer } from "../../spend/spend";
import { describeBuiltin } from "./describe";

export interface GeneratedImage {
  imageId: string;
  /** The gallery's own address for the image (GET /api/images/:id): the chat shows it inline. */
  url: string;
  model: string;
  prompt: string;
}

export interface GenerateImageDeps {
  env: Env;
  payer: Payer & { budgets?: Budgets };
  saveImage(record: ImageRecord): void | Promise<void>;
  /** The store's room check before any model call, as the image studio makes it (optional: saveImage checks again). */
  checkRoomForImages?(count: number): void | Promise<void>;
}

/** The gallery's address for an image, as app/images/api.ts builds it. */
export function galleryImageUrl(imageId: string): string {
  return `/api/images/${encodeURIComponent(imageId)}`;
}

const MODEL_IDS = IMAGE_MODELS.map((m) => m.id) as [string, ...string[]];

/**
 * One image through the image studio's own pipeline (generatePaidImages, worker/images/paid-batch.ts):
 * the catalog model (the studio's default unless the model picks another), the gallery's room checked
 * and its price reserved before the call and settled after it (nothing is billed when no image came
 * back), the bytes in R2 and the record in the gallery through the store's own write. A refusal or failure is an AppError in words, which the
 * loop turns into the tool's error.
 */
export async function generateImageForChat(
  deps: GenerateImageDeps,
  prompt: string,
  modelId: string | undefined,
  signal: AbortSignal,
): Promise<GeneratedImage> {
  const model = findImageModel(modelId ?? DEFAULT_IMAGE_MODEL);
  if (!model) throw new AppError("unknown_model", `There is no image model called ${modelId}. Use one of: ${MODEL_IDS.join(", ")}.`);
  const text = prompt.trim();
  if (!text) throw new AppError("tool_input", "The image description is empty: say what the picture shows.");
  if (text.length > model.promptMaxLength) {
    throw new AppError(
      "tool_input",
      `The description is ${text.length} characters; ${model.label} takes at most ${model.promptMaxLength}.`,
    );
  }
  const settings = effectiveSettings(model, {});
  const seed = model.seed ? randomSeed(model.seed.max) : null;
  const gallery = { saveImage: deps.saveImage, checkRoomForImages: async (count: number) => deps.checkRoomForImages?.(count) };
  const [result] = await generatePaidImages(
    { env: deps.env, payer: deps.payer, budgets: deps.payer.budgets, gallery, signal },
    model,
    text,
    settings,
    [seed],
  );
  if ("error" in result) throw new AppError(result.error.code, result.error.message);
  return { imageId: result.image.id, url: galleryImageUrl(result.image.id), model: model.id, prompt: text };
}

// Made once per isolate: the AI SDK caches a schema's JSON form on the wrapper, so a wrapper made per
// request converted it again on every question (bench:relay-profile, MODEL=<a tool model>).
const inputSchema = zodSchema(
  z.object({
    prompt: z.string().describe("What the image shows, in detail: subject, setting, style, light. In English works best."),
    model: z.enum(MODEL_IDS).optional().describe(`The image model; default ${DEFAULT_IMAGE_MODEL}.`),
  }),
);

export function generateImageTool(deps: GenerateImageDeps): Tool {
  return tool({
    description: describeBuiltin("generate_image"),
    inputSchema,
    execute: async ({ prompt, model }, { abortSignal }): Promise<GeneratedImage> =>
      generateImageForChat(deps, prompt, model, abortSignal ?? new AbortController().signal),
  });
}
