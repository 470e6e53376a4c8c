import { Hono, type Context } from "hono";
import { AppError } from "../../contract/errors";
import {
  DEFAULT_VISION_MODEL,
  isVisionModel,
  listVisionThreadsQuerySchema,
  renameVisionThreadSchema,
  visionRequestSchema,
  type VisionMessage,
} from "../../contract/vision-api";
import type { AppEnv } from "../http/app-types";
import { rejoinResponse, turnResponse } from "./answer-response";
import { currentRequestId } from "../log";
import { idParam, parseWith, readJson } from "../http/validate";
import { isNewVisitor } from "../http/new-visitor";
import { rateLimit } from "../http/rate-limit";
import { hasText, payerOf } from "./chat";
import { userStore } from "../store/stub";
import { deleteUploadObjects, readUploadObject, saveUpload } from "../vision/save-upload";
import { readUpload } from "../vision/uploads";

/**
 * Vision Q&A: upload an image once, then ask about it. The image stays in R2 and the Worker
 * attaches it to every model call itself, so follow-up questions send text only and no client ever
 * names a URL for the Worker to fetch. Every id is looked up in the caller's own store first: another
 * person's image or thread is simply not found. Answers are written by the person's Durable Object,
 * as chat's are (routes/chat.ts): rejoin, stop and continue work the same way under /threads/:id.
 */
export const vision = new Hono<AppEnv>()
  .post("/images", async (c) => {
    const { image, data } = await readUpload(c.req.raw);
    await saveUpload(c.env.MEDIA, userStore(c), c.var.userId, image, data);
    return c.json(image, 201);
  })
  .get("/images/:id", async (c) => {
    const { image, object } = await loadImage(c, c.req.param("id"));
    return new Response(object.body, {
      headers: {
        "content-type": image.mediaType,
        "content-length": String(image.bytes),
        // Ids are never reused, so the bytes behind one never change; private: it is one person's image.
        "cache-control": "private, max-age=31536000, immutable",
      },
    });
  })
  .get("/threads", async (c) => {
    const { q } = parseWith(listVisionThreadsQuerySchema, { q: c.req.query("q") });
    return c.json({ threads: isNewVisitor(c) ? [] : await userStore(c).listVisionThreads(q) });
  })
  // Limited as renaming a conversation is: a write anyone can repeat.
  .patch("/threads/:id", rateLimit, async (c) => {
    const id = idParam(c.req.param("id"), "vision thread");
    const { title } = await readJson(c, renameVisionThreadSchema, 10_000);
    const thread = isNewVisitor(c) ? null : await userStore(c).renameVisionThread(id, title);
    if (!thread) throw new AppError("not_found", "That vision thread does not exist.");
    return c.json({ thread });
  })
  .get("/threads/:id", async (c) => {
    const id = idParam(c.req.param("id"), "vision thread");
    const found = isNewVisitor(c) ? null : await userStore(c).getVisionThread(id);
    if (!found) throw new AppError("not_found", "That vision thread does not exist.");
    return c.json(found);
  })
  .delete("/threads/:id", async (c) => {
    const id = idParam(c.req.param("id"), "vision thread");
    const deleted = isNewVisitor(c) ? undefined : await userStore(c).deleteVisionThread(id);
    if (!deleted) throw new AppError("not_found", "That vision thread does not exist.");
    if (deleted.orphanedImageId) await deleteUploadObjects(c.env.MEDIA, c.var.userId, [deleted.orphanedImageId]);
    return c.body(null, 204);
  })
  .get("/threads/:id/stream", async (c) => {
    const id = idParam(c.req.param("id"), "vision thread");
    return rejoinResponse(isNewVisitor(c) ? null : await userStore(c).answerStream("vision", id));
  })
  .post("/threads/:id/stop", async (c) => {
    const message = await userStore(c).stopAnswer("vision", idParam(c.req.param("id"), "vision thread"));
    return message ? c.json({ message }) : c.body(null, 204);
  })
  .post("/threads/:id/continue", async (c) =>
    turnResponse(await userStore(c).continueAnswer("vision", idParam(c.req.param("id"), "vision thread"), payerOf(c), currentRequestId())),
  )
  .post("/", async (c) => {
    const body = await readJson(c, visionRequestSchema);
    const messages = body.messages as VisionMessage[];
    const model = body.model ?? DEFAULT_VISION_MODEL;
    if (!isVisionModel(model)) throw new AppError("unknown_model", `${model} cannot read images. Pick a vision model from the list.`);
    if (messages.at(-1)?.role !== "user") throw new AppError("bad_request", "The last message must be the person's question.");
    if (!hasText(messages.at(-1)!)) throw new AppError("bad_request", "The question has no text. Write something to ask.");
    if (messages.some((m) => m.parts.some((p) => p.type === "file")))
      throw new AppError(
        "bad_request",
        "A vision thread is about its one image. To show a model more images, use the chat with a model that sees images.",
      );
    // The Durable Object loads the image (another person's id is simply not found there), saves the
    // question, and answers it with the image attached.
    return turnResponse(
      await userStore(c).startVisionTurn({
        payer: payerOf(c),
        threadId: body.id,
        imageId: body.imageId,
        model,
        messages,
        system: body.system,
        temperature: body.temperature,
        maxTokens: body.maxTokens,
        requestId: currentRequestId(),
      }),
    );
  });

async function loadImage(c: Context<AppEnv>, rawId: string) {
  const id = idParam(rawId, "image");
  const image = isNewVisitor(c) ? null : await userStore(c).getVisionImage(id);
  const stored = image ? await readUploadObject(c.env.MEDIA, c.var.userId, image.id) : null;
  if (!image || !stored) throw new AppError("not_found", "That image does not exist.");
  return { image, ...stored };
}
