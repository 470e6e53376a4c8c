import { z } from "zod";
import { chatRequestSchema, modelIdSchema } from "./api";
import { idSchema } from "./id-schema";
import type { ChatMessage } from "./messages";
import { VISION_MODELS } from "./models";

/**
 * Vision Q&A: one uploaded image and a thread of questions about it. Images travel by id, never
 * inside messages: the Worker loads the stored bytes and attaches them to the model call itself.
 */

/** The browser resizes to 1024 px before upload; these limits stop anything that skipped it. */
export const VISION_LIMITS = {
  maxBytes: 5 * 1024 * 1024,
  /** Longest side in pixels. */
  maxSide: 4096,
  /** What the browser resizes to before upload. */
  uploadSide: 1024,
} as const;

export const VISION_MEDIA_TYPES = ["image/jpeg", "image/png", "image/webp", "image/gif"] as const;
export type VisionMediaType = (typeof VISION_MEDIA_TYPES)[number];

/** Free on every plan and good at images: the model a new thread starts with. */
export const DEFAULT_VISION_MODEL = VISION_MODELS.find((m) => m.plan === "free" && !m.needsAgreement)!.id;

export function isVisionModel(id: string): boolean {
  return VISION_MODELS.some((m) => m.id === id);
}

/** What `POST /api/vision/images` answers, and the image part of a loaded thread. */
export interface VisionImage {
  id: string;
  width: number;
  height: number;
  bytes: number;
  mediaType: VisionMediaType;
}

/** The `useChat` transport's body plus the image the thread is about. */
export const visionRequestSchema = chatRequestSchema.omit({ model: true }).extend({
  imageId: idSchema,
  model: modelIdSchema.optional(),
});

/** `PATCH /api/vision/threads/:id`: a new title, as conversations are renamed. */
export const renameVisionThreadSchema = z.object({ title: z.string().trim().min(1).max(200) });

/** `GET /api/vision/threads?q=`: threads whose title or questions and answers hold the words. */
export const listVisionThreadsQuerySchema = z.object({ q: z.string().max(200).optional() });

export interface VisionThread {
  id: string;
  title: string;
  imageId: string;
  model: string;
  createdAt: number;
  updatedAt: number;
}

/** `GET /api/vision/threads/:id`. */
export interface VisionThreadDetail {
  thread: VisionThread;
  image: VisionImage;
  messages: VisionMessage[];
}

export const LICENCE_ACCEPTED_NOTE = "Accepted the Llama 3.2 Vision licence for this account.";

/** Vision threads use the one message type of the app. */
export type VisionMessage = ChatMessage;
