import { Hono, type Context } from "hono";
import { idSchema } from "../../contract/api";
import { AppError } from "../../contract/errors";
import { DEFAULT_VISION_MODEL, isVisionModel, visionRequestSchema, type VisionMessage } from "../../contract/vision-api";
import type { AppEnv } from "../http/app-types";
import { rejoinResponse, turnResponse } from "../http/answer-response";
import { currentRequestId } from "../http/log";
import { readJson } from "../http/validate";
import { hasText } from "./chat";
import { userStore } from "../store/stub";
import { readUpload, uploadKey } from "../vision/uploads";

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
    await c.env.MEDIA.put(uploadKey(c.var.userId, image.id), data, { httpMetadata: { contentType: image.mediaType } });
    await userStore(c).addVisionImage(image);
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
  .get("/threads", async (c) => c.json({ threads: await userStore(c).listVisionThreads() }))
  .get("/threads/:id", async (c) => {
    const found = await userStore(c).getVisionThread(threadId(c.req.param("id")));
    if (!found) throw new AppError("not_found", "That vision thread does not exist.");
    return c.json(found);
  })
  .delete("/threads/:id", async (c) => {
    const deleted = await userStore(c).deleteVisionThread(threadId(c.req.param("id")));
    if (!deleted) throw new AppError("not_found", "That vision thread does not exist.");
    if (deleted.orphanedImageId) await c.env.MEDIA.delete(uploadKey(c.var.userId, deleted.orphanedImageId));
    return c.body(null, 204);
  })
  .get("/threads/:id/stream", async (c) => rejoinResponse(await userStore(c).answerStream("vision", threadId(c.req.param("id")))))
  .post("/threads/:id/stop", async (c) => {
    const message = await userStore(c).stopAnswer("vision", threadId(c.req.param("id")));
    return message ? c.json({ message }) : c.body(null, 204);
  })
  .post("/threads/:id/continue", async (c) =>
    turnResponse(await userStore(c).continueAnswer("vision", threadId(c.req.param("id")), c.var.userId, currentRequestId())),
  )
  .post("/", async (c) => {
    const body = await readJson(c, visionRequestSchema);
    const messages = body.messages as VisionMessage[];
    const model = body.model ?? DEFAULT_VISION_MODEL;
    if (!isVisionModel(model)) throw new AppError("unknown_model", `${model} cannot read images. Pick a vision model from the list.`);
    if (messages.at(-1)?.role !== "user") throw new AppError("bad_request", "The last message must be the person's question.");
    if (!hasText(messages.at(-1)!)) throw new AppError("bad_request", "The question has no text. Write something to ask.");
    // The Durable Object loads the image (another person's id is simply not found there), saves the
    // question, and answers it with the image attached.
    return turnResponse(
      await userStore(c).startVisionTurn({
        userId: c.var.userId,
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
  const parsed = idSchema.safeParse(rawId);
  const image = parsed.success ? await userStore(c).getVisionImage(parsed.data) : null;
  const object = image ? await c.env.MEDIA.get(uploadKey(c.var.userId, image.id)) : null;
  if (!image || !object) throw new AppError("not_found", "That image does not exist.");
  return { image, object };
}

function threadId(raw: string): string {
  const parsed = idSchema.safeParse(raw);
  if (!parsed.success) throw new AppError("not_found", "That vision thread does not exist.");
  return parsed.data;
}
