import type { Context } from "hono";
import { EMBEDDING_MODELS } from "../../contract/embedding-models";
import { IMAGE_MODELS } from "../../contract/image-models";
import { CHAT_MODELS } from "../../contract/models";
import { SPEECH_CATALOG } from "../../contract/speech";
import { ParamError } from "./errors";

/** The catalog's release (contract/models.ts figures are of November 2026), as OpenAI's `created`. */
const CATALOG_CREATED = Math.floor(Date.UTC(2026, 10, 1) / 1000);

/** One list of every model /v1 serves, from the one catalog in contract/. */
const MODELS = [...CHAT_MODELS, ...EMBEDDING_MODELS, ...IMAGE_MODELS, ...SPEECH_CATALOG].map((m) => ({
  id: m.id,
  object: "model" as const,
  created: CATALOG_CREATED,
  owned_by: m.vendor,
}));

export function listModels(c: Context): Response {
  return c.json({ object: "list", data: MODELS });
}

/** GET /v1/models/{id}: ids contain slashes (`@cf/meta/...`), so the id is the rest of the path. */
export function getModel(c: Context): Response {
  const raw = new URL(c.req.url).pathname.replace(/^\/v1\/models\//, "");
  const id = decoded(raw);
  const model = id === undefined ? undefined : MODELS.find((m) => m.id === id);
  if (!model)
    throw new ParamError("model", `There is no model called ${(id ?? raw).slice(0, 200)}. GET /v1/models lists them.`, "unknown_model");
  return c.json(model);
}

/** A broken escape (`%1`) names no model rather than failing the request. */
function decoded(segment: string): string | undefined {
  try {
    return decodeURIComponent(segment);
  } catch {
    return undefined;
  }
}
