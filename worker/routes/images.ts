import { Hono } from "hono";
import {
  imageModelChoiceSchema,
  imageRequestSchemaFor,
  listImagesQuerySchema,
  type GenerateImagesResponse,
} from "../../contract/images-api";
import { AppError } from "../../contract/errors";
import { DEFAULT_IMAGE_MODEL, findImageModel } from "../../contract/image-models";
import type { AppEnv } from "../http/app-types";
import { isNewVisitor } from "../http/new-visitor";
import { idParam, parseWith, readJson } from "../http/validate";
import { downloadName } from "../images/filename";
import { generatePaidImages } from "../images/paid-batch";
import { effectiveSettings, randomSeed } from "../images/inputs";
import { deleteImage, mediaKey } from "../images/media";
import { requestPayer } from "../spend/request-payer";
import { userStore } from "../store/stub";

/**
 * The caller's generated images. Another user's image id is not found: their records live in
 * another Durable Object and their bytes under another R2 prefix.
 */
export const images = new Hono<AppEnv>()
  .post("/", async (c) => {
    const choice = await readJson(c, imageModelChoiceSchema);
    const modelId = choice.model ?? DEFAULT_IMAGE_MODEL;
    const model = findImageModel(modelId);
    if (!model) throw new AppError("unknown_model", `There is no image model called ${modelId}. Pick one from the list.`);
    const request = parseWith(imageRequestSchemaFor(model), choice);

    const settings = effectiveSettings(model, request);
    const firstSeed = model.seed ? (request.seed ?? randomSeed(model.seed.max)) : null;
    // Consecutive seeds: a batch with a locked seed is still that many different images.
    const seeds = Array.from({ length: request.count }, (_, i) =>
      firstSeed === null || !model.seed ? null : (firstSeed + i) % (model.seed.max + 1),
    );
    const batch = { env: c.env, payer: requestPayer(c), gallery: userStore(c), signal: c.req.raw.signal };
    const results = await generatePaidImages(batch, model, request.prompt, settings, seeds);

    const firstError = results.find((r) => "error" in r);
    if (firstError && results.every((r) => "error" in r)) {
      throw new AppError(firstError.error.code, firstError.error.message);
    }
    return c.json({ results } satisfies GenerateImagesResponse);
  })
  .get("/", async (c) => {
    const { cursor, limit } = parseWith(listImagesQuerySchema, c.req.query());
    return c.json(isNewVisitor(c) ? { images: [], nextCursor: null } : await userStore(c).listImages(cursor, limit));
  })
  .get("/:id", async (c) => {
    const id = idParam(c.req.param("id"), "image");
    const record = isNewVisitor(c) ? null : await userStore(c).getImage(id);
    const object = record && (await c.env.MEDIA.get(mediaKey(c.var.userId, id)));
    if (!record || !object) throw new AppError("not_found", "That image does not exist.");
    c.header("content-type", record.contentType);
    c.header("content-length", String(object.size));
    // An id is never reused, so its bytes never change; "private" keeps shared caches out.
    c.header("cache-control", "private, max-age=31536000, immutable");
    if (c.req.query("download") === "1") c.header("content-disposition", `attachment; filename="${downloadName(record)}"`);
    return c.body(object.body);
  })
  .delete("/:id", async (c) => {
    const deleted = !isNewVisitor(c) && (await deleteImage(c.env.MEDIA, userStore(c), c.var.userId, idParam(c.req.param("id"), "image")));
    if (!deleted) throw new AppError("not_found", "That image does not exist.");
    return c.body(null, 204);
  });
