import type { ImageRecord } from "../../contract/images-api";
import { findImageModel, DEFAULT_IMAGE_MODEL, type ImageModel } from "../../contract/image-models";

/** What the form holds: every control's value, shown or not, so switching models keeps choices. */
export interface FormState {
  prompt: string;
  model: string;
  steps: number;
  width: number;
  height: number;
  guidance: number;
  negativePrompt: string;
  seed: number;
  lockSeed: boolean;
  count: number;
}

export function modelOf(form: FormState): ImageModel {
  return findImageModel(form.model) ?? findImageModel(DEFAULT_IMAGE_MODEL)!;
}

/** The catalog's defaults for a model, keeping the prompt and seed already typed. */
export function defaultsFor(model: ImageModel, keep: Partial<FormState> = {}): FormState {
  return {
    prompt: "",
    seed: randomSeed(),
    lockSeed: false,
    count: 1,
    negativePrompt: "",
    ...keep,
    model: model.id,
    steps: model.steps?.range.default ?? 4,
    width: model.width?.range.default ?? 1024,
    height: model.height?.range.default ?? 1024,
    guidance: model.guidance?.range.default ?? 0,
  };
}

/** "Use these settings again": the record's model and settings, its seed locked when it has one. */
export function formFrom(record: ImageRecord, current: FormState): FormState {
  const model = findImageModel(record.model) ?? modelOf(current);
  const base = defaultsFor(model, { count: current.count });
  return {
    ...base,
    ...record.settings,
    negativePrompt: record.settings.negativePrompt ?? "",
    prompt: record.prompt,
    seed: record.seed ?? base.seed,
    lockSeed: record.seed !== null,
  };
}

/**
 * The body of the i-th request of a batch: only the controls the model accepts. A locked seed gives
 * consecutive seeds, as the Worker does within one request; otherwise the Worker picks one.
 */
export function requestBody(form: FormState, i: number): Record<string, unknown> {
  const model = modelOf(form);
  const body: Record<string, unknown> = { model: model.id, prompt: form.prompt };
  if (model.steps) body.steps = form.steps;
  if (model.width) body.width = form.width;
  if (model.height) body.height = form.height;
  if (model.guidance) body.guidance = form.guidance;
  if (model.negativePrompt && form.negativePrompt.trim()) body.negativePrompt = form.negativePrompt;
  if (model.seed && form.lockSeed) body.seed = (form.seed + i) % (model.seed.max + 1);
  return body;
}

export function randomSeed(): number {
  return crypto.getRandomValues(new Uint32Array(1))[0];
}
