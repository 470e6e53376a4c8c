import { randomInt } from "node:crypto";
import { imageRequestSchemaFor } from "../../contract/images-api";
import { IMAGE_SETTING_KEYS, type ImageModel } from "../../contract/image-models";
import { CODES, EngineError } from "../errors";
import type { ImageJob } from "./pipeline";

/**
 * SD-Turbo is distilled for 1–4 steps: more only cost time on a CPU, so the local engine stops at 4
 * whatever the model id would take on Workers AI.
 */
export const LOCAL_MAX_STEPS = 4;
/** SD-Turbo's native size, for model ids that take no size (FLUX.1 schnell). */
const NATIVE_SIZE = 512;

/**
 * Reads one run's inputs as Workers AI does for this model id (JSON, or multipart for FLUX.2),
 * checked by the same catalog schema the Worker uses, then turned into a local job.
 */
export async function readImageRequest(model: ImageModel, request: { contentType: string; body: Buffer }): Promise<ImageJob> {
  const fields = await readFields(model, request);
  const ours: Record<string, unknown> = { prompt: fields.prompt };
  for (const key of IMAGE_SETTING_KEYS) {
    const control = model[key];
    const value = control ? fields[control.param] : undefined;
    if (value !== undefined) ours[key] = key === "negativePrompt" ? String(value) : Number(value);
  }
  if (typeof ours.prompt !== "string") throw new EngineError(CODES.incompleteRequest, 400, "Type: 'prompt' is required");
  const parsed = imageRequestSchemaFor(model).safeParse(ours);
  if (!parsed.success) {
    const issue = parsed.error.issues[0];
    // Named as the caller sent it (num_steps), not as the schema calls it (steps).
    const key = String(issue.path[0] ?? "input");
    const wire = (model[key as (typeof IMAGE_SETTING_KEYS)[number]] as { param?: string } | undefined)?.param ?? key;
    throw new EngineError(CODES.invalidData, 400, `Type: '${wire}' ${issue.message}`);
  }
  const s = parsed.data;
  return {
    prompt: s.prompt,
    negativePrompt: s.negativePrompt,
    steps: Math.min(s.steps ?? model.steps?.range.default ?? LOCAL_MAX_STEPS, LOCAL_MAX_STEPS),
    guidance: s.guidance ?? model.guidance?.range.default ?? 0,
    width: s.width ?? NATIVE_SIZE,
    height: s.height ?? NATIVE_SIZE,
    // Models without a seed make a new image every time, as on Workers AI.
    seed: s.seed ?? randomInt(2 ** 32),
  };
}

async function readFields(
  model: ImageModel,
  { contentType, body }: { contentType: string; body: Buffer },
): Promise<Record<string, unknown>> {
  const multipart = contentType.includes("multipart/form-data");
  if (model.input === "multipart" && !multipart)
    throw new EngineError(CODES.invalidData, 400, `${model.id} takes multipart form data, even for a bare prompt.`);
  if (multipart) {
    const form = await new Response(Uint8Array.from(body), { headers: { "content-type": contentType } }).formData().catch(() => {
      throw new EngineError(CODES.invalidData, 400, "The multipart body could not be read.");
    });
    if ([...form.keys()].some((k) => k.startsWith("input_image_"))) {
      throw new EngineError(CODES.invalidData, 400, "The local engine makes images from text only; it cannot take input_image_0…3.");
    }
    return Object.fromEntries(form) as Record<string, unknown>;
  }
  try {
    const value: unknown = JSON.parse(body.toString("utf8"));
    if (value && typeof value === "object" && !Array.isArray(value)) return value as Record<string, unknown>;
  } catch {
    // Answered below, like any other body that is not an object.
  }
  throw new EngineError(CODES.invalidData, 400, "The request body must be a JSON object.");
}
