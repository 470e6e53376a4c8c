import { Hono, type Context } from "hono";
import { convertToModelMessages, type ModelMessage } from "ai";
import { idSchema } from "../../contract/api";
import { AppError } from "../../contract/errors";
import type { ChatMessage, MessageMetadata } from "../../contract/messages";
import { CHAT_SETTINGS_LIMITS } from "../../contract/models";
import { DEFAULT_VISION_MODEL, isVisionModel, LICENCE_ACCEPTED_NOTE, visionRequestSchema, type VisionMessage } from "../../contract/vision-api";
import { resolveAiBackend } from "../ai/seam";
import { streamAnswer } from "../ai/stream-answer";
import type { AppEnv } from "../http/app-types";
import { isNewVisitor } from "../http/new-visitor";
import { readJson } from "../http/validate";
import { hasText } from "./chat";
import { answerCost, IMAGE_INPUT_TOKENS, withCost, worstCaseAnswer } from "../spend/answer-cost";
import { reserve, settle } from "../spend/spend";
import { userStore } from "../store/stub";
import { visionBinding } from "../vision/binding";
import { deleteUploadObjects, keepUpload, readUploadObject, saveUpload } from "../vision/save-upload";
import { readUpload } from "../vision/uploads";

/**
 * Vision Q&A: upload an image once, then ask about it. The image stays in R2 and the Worker
 * attaches it to every model call itself, so follow-up questions send text only and no client ever
 * names a URL for the Worker to fetch. Every id is looked up in the caller's own store first: another
 * person's image or thread is simply not found.
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
  .get("/threads", async (c) => c.json({ threads: isNewVisitor(c) ? [] : await userStore(c).listVisionThreads() }))
  .get("/threads/:id", async (c) => {
    const id = threadId(c.req.param("id"));
    const found = isNewVisitor(c) ? null : await userStore(c).getVisionThread(id);
    if (!found) throw new AppError("not_found", "That vision thread does not exist.");
    return c.json(found);
  })
  .delete("/threads/:id", async (c) => {
    const id = threadId(c.req.param("id"));
    const deleted = isNewVisitor(c) ? undefined : await userStore(c).deleteVisionThread(id);
    if (!deleted) throw new AppError("not_found", "That vision thread does not exist.");
    if (deleted.orphanedImageId) await deleteUploadObjects(c.env.MEDIA, c.var.userId, [deleted.orphanedImageId]);
    return c.body(null, 204);
  })
  .post("/", async (c) => {
    const body = await readJson(c, visionRequestSchema);
    const messages = body.messages as VisionMessage[];
    const model = body.model ?? DEFAULT_VISION_MODEL;
    if (!isVisionModel(model)) throw new AppError("unknown_model", `${model} cannot read images. Pick a vision model from the list.`);
    if (messages.at(-1)?.role !== "user") throw new AppError("bad_request", "The last message must be the person's question.");
    if (!hasText(messages.at(-1)!)) throw new AppError("bad_request", "The question has no text. Write something to ask.");

    const { image, object, pending } = await loadImage(c, body.imageId);
    const bytes = new Uint8Array(await object.arrayBuffer());
    const store = userStore(c);
    const maxTokens = body.maxTokens ?? CHAT_SETTINGS_LIMITS.maxTokens.default;
    const modelMessages = withImage(await convertToModelMessages(messages), bytes, image.mediaType);
    // Reserved before the question is saved, so a refusal leaves no unanswered question behind.
    const reservation = await reserve(c.env, c.var, worstCaseAnswer(model, { instructions: body.system, messages: modelMessages }, maxTokens, IMAGE_INPUT_TOKENS));
    const saved = await store.saveVisionHistory(body.id, image.id, model, messages).catch(async (error) => {
      await settle(c.env, reservation, 0);
      throw error;
    });
    if (!saved) {
      await settle(c.env, reservation, 0); // no model was called
      throw new AppError("bad_request", "This thread is about another image. Start a new thread for a new image.");
    }
    // Asked about now: out of the prefix that expires (once per image, on its first question).
    if (pending) await keepUpload(c.env.MEDIA, c.var.userId, image, bytes);

    const backend = resolveAiBackend(c.env);
    // Filled in if the licence prompt had to be answered; sent and saved with the answer's end.
    const metadata: MessageMetadata = {};
    const binding = visionBinding(backend.binding, () => (metadata.note = LICENCE_ACCEPTED_NOTE));
    return streamAnswer(c, {
      backend: { ...backend, binding },
      model,
      history: messages as ChatMessage[],
      modelMessages,
      instructions: body.system,
      temperature: body.temperature,
      maxTokens,
      metadata,
      save: async (answer) => {
        const cost = answerCost(model, answer, backend.kind === "local-engine");
        try {
          await store.saveVisionAnswer(body.id, withCost(answer, cost));
        } finally {
          await settle(c.env, reservation, cost.neurons);
        }
      },
    });
  });

/** The image travels as a file part of the thread's first question, whichever question this is. */
function withImage(messages: ModelMessage[], data: Uint8Array, mediaType: string): ModelMessage[] {
  const first = messages.findIndex((m) => m.role === "user");
  return messages.map((m, i) => {
    if (i !== first || m.role !== "user") return m;
    const parts = typeof m.content === "string" ? [{ type: "text" as const, text: m.content }] : m.content;
    return { ...m, content: [...parts, { type: "file" as const, data, mediaType }] };
  });
}

async function loadImage(c: Context<AppEnv>, rawId: string) {
  const parsed = idSchema.safeParse(rawId);
  const image = parsed.success && !isNewVisitor(c) ? await userStore(c).getVisionImage(parsed.data) : null;
  const stored = image ? await readUploadObject(c.env.MEDIA, c.var.userId, image.id) : null;
  if (!image || !stored) throw new AppError("not_found", "That image does not exist.");
  return { image, ...stored };
}

function threadId(raw: string): string {
  const parsed = idSchema.safeParse(raw);
  if (!parsed.success) throw new AppError("not_found", "That vision thread does not exist.");
  return parsed.data;
}
