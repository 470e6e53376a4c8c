import { Hono } from "hono";
import {
  imageModelChoiceSchema,
  imageRequestSchemaFor,
  listImagesQuerySchema,
  type GenerateImagesResponse,
} from "../../contract/images-api";
import { AppError } from "../../contract/errors";
import { DEFAULT_IMAGE_MODEL, findImageModel, imageCost } from "../../contract/image-models";
import { resolveAiBackend } from "../ai/backend";
import type { AppEnv } from "../http/app-types";
import { isNewVisitor } from "../http/new-visitor";
import { idParam, parseWith, readJson } from "../http/validate";
import { downloadName } from "../images/filename";
import { generateImage } from "../images/generate";
import { effectiveSettings, randomSeed } from "../images/inputs";
import { deleteImage, mediaKey } from "../images/media";
import { requestPayer } from "../spend/request-payer";
import { reserve, settle } from "../spend/spend";
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

    // Before any model call: an image there is no room to keep would be paid for and thrown away.
    await userStore(c).checkRoomForImages(request.count);
    const settings = effectiveSettings(model, request);
    const firstSeed = model.seed ? (request.seed ?? randomSeed(model.seed.max)) : null;
    const backend = resolveAiBackend(c.env);
    const cost = { neurons: imageCost(model, settings), estimated: model.price.source !== "published" };
    const reservation = await reserve(c.env, requestPayer(c), cost.neurons * request.count);
    const ctx = { backend, media: c.env.MEDIA, store: userStore(c), userId: c.var.userId, signal: c.req.raw.signal, cost };
    // Consecutive seeds: a batch with a locked seed is still that many different images.
    const seedOf = (i: number) => (firstSeed === null || !model.seed ? null : (firstSeed + i) % (model.seed.max + 1));
    const results = await Promise.all(
      Array.from({ length: request.count }, (_, i) => generateImage(ctx, model, request.prompt, settings, seedOf(i))),
    );
    // generateImage turns every failure into a result, so this always runs. A model that answered
    // with an error made nothing to bill; every image that arrived is paid for.
    await settle(c.env, reservation, cost.neurons * results.filter((r) => "image" in r).length);

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
