import { z } from "zod";
import { modelIdSchema } from "./api";
import { idSchema } from "./id-schema";
import type { ErrorCode } from "./errors";
import type { Cost } from "./pricing";
import type { IMAGE_SETTING_KEYS, ImageModel, NumberRange } from "./image-models";

/** One request makes at most this many images; the UI sends one request per image instead. */
export const MAX_BATCH = 4;

/** Read first, to find the model whose own schema then checks the rest. */
export const imageModelChoiceSchema = z.looseObject({ model: modelIdSchema.optional() });

function inRange(range: NumberRange, label: string, integer: boolean) {
  const message = `must be ${integer ? "a whole number " : ""}from ${range.min} to ${range.max} for ${label}`;
  const base = integer ? z.number({ error: message }).int(message) : z.number({ error: message });
  return base.min(range.min, message).max(range.max, message).optional();
}

/**
 * The request schema for one model, built from its catalog entry: a setting the model does not
 * take is refused by name rather than silently dropped, so nobody believes it had an effect.
 */
export function imageRequestSchemaFor(model: ImageModel) {
  const refused = z.undefined({ error: `${model.label} does not accept this setting` }).optional();
  const fields = {
    steps: model.steps ? inRange(model.steps.range, model.label, true) : refused,
    width: model.width ? inRange(model.width.range, model.label, true) : refused,
    height: model.height ? inRange(model.height.range, model.label, true) : refused,
    guidance: model.guidance ? inRange(model.guidance.range, model.label, false) : refused,
    negativePrompt: model.negativePrompt ? z.string().max(model.negativePrompt.maxLength).optional() : refused,
    seed: model.seed ? z.number().int().min(0).max(model.seed.max).optional() : refused,
  } satisfies Record<(typeof IMAGE_SETTING_KEYS)[number], z.ZodType>;
  return z.strictObject({
    model: z.literal(model.id).optional(),
    prompt: z.string().trim().min(1, "cannot be empty").max(model.promptMaxLength, `must be at most ${model.promptMaxLength} characters`),
    count: z.number().int().min(1).max(MAX_BATCH, `must be from 1 to ${MAX_BATCH}`).default(1),
    ...fields,
  });
}

/** The settings an image was made with (our names), as stored and as "Use these settings again" reads them. */
export interface ImageSettings {
  steps?: number;
  width?: number;
  height?: number;
  guidance?: number;
  negativePrompt?: string;
}

export interface ImageRecord {
  id: string;
  prompt: string;
  model: string;
  settings: ImageSettings;
  /** Null for models that take no seed: such an image cannot be made again. */
  seed: number | null;
  /** Read from the image itself, not from the request. */
  width: number;
  height: number;
  contentType: "image/png" | "image/jpeg";
  bytes: number;
  durationMs: number;
  createdAt: number;
  /** Who answered: "Workers AI", or the local engine and its model folder. */
  servedBy: string;
  /** Its price in neurons (absent on images made before prices were kept). */
  cost?: Cost;
}

export type ImageResult = { image: ImageRecord } | { error: { code: ErrorCode; message: string } };

/** `POST /api/images` when at least one image was made; when none was, the first error answers. */
export interface GenerateImagesResponse {
  results: ImageResult[];
}

export interface ImagePage {
  images: ImageRecord[];
  /** Pass as `cursor` for the next (older) page; null on the last page. */
  nextCursor: string | null;
}

/** Cursor: `<createdAt>.<id>` of the last image on the previous page (ids never contain "."). */
export const imageCursorSchema = z.string().regex(/^\d{1,16}\.[A-Za-z0-9_-]{16,64}$/, "is not a cursor this server made");

export const listImagesQuerySchema = z.object({
  cursor: imageCursorSchema.optional(),
  limit: z.coerce.number().int().min(1).max(100).default(24),
});

export const imageIdSchema = idSchema;
