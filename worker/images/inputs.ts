import type { ImageSettings } from "../../contract/images-api";
import type { ImageModel } from "../../contract/image-models";
import type { MultipartInput } from "../ai/rest-binding";

/**
 * The settings actually used: the person's choices, with the catalog's defaults for the controls
 * left out, so the stored record says exactly what the model was asked for.
 */
export function effectiveSettings(model: ImageModel, chosen: ImageSettings): ImageSettings {
  const settings: ImageSettings = {};
  for (const key of ["steps", "width", "height", "guidance"] as const) {
    const control = model[key];
    if (control) settings[key] = chosen[key] ?? control.range.default;
  }
  if (model.negativePrompt && chosen.negativePrompt?.trim()) settings.negativePrompt = chosen.negativePrompt.trim();
  return settings;
}

/** The model's own inputs, under Workers AI's names; FLUX.2 only takes multipart form data. */
export function modelInputs(
  model: ImageModel,
  prompt: string,
  settings: ImageSettings,
  seed: number | null,
): Record<string, unknown> | MultipartInput {
  const wire: Record<string, string | number> = { prompt };
  for (const key of ["steps", "width", "height", "guidance", "negativePrompt"] as const) {
    const control = model[key];
    const value = settings[key];
    if (control && value !== undefined) wire[control.param] = value;
  }
  if (model.seed && seed !== null) wire[model.seed.param] = seed;
  if (model.input === "json") return wire;
  const form = new FormData();
  for (const [name, value] of Object.entries(wire)) form.append(name, String(value));
  // A Response serialises the form and writes the boundary into its content type.
  const encoded = new Response(form);
  return { multipart: { body: encoded.body!, contentType: encoded.headers.get("content-type")! } };
}

/** A seed for models that take one and were given none, so every such image can be made again. */
export function randomSeed(max: number): number {
  return crypto.getRandomValues(new Uint32Array(1))[0] % (max + 1);
}
