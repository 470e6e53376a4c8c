import { z } from "zod";

/**
 * Images in chat messages. A person's message carries each image as an AI SDK file part whose url
 * is the image's address in the person's own storage (`/api/vision/images/<id>`, the vision page's
 * upload route): the page shows it from there, and the Worker reads the id back out of it and loads
 * the bytes itself, so no client ever names a URL for the Worker to fetch.
 */
export const CHAT_IMAGE_LIMITS = {
  /** Images one message may carry. */
  perMessage: 4,
  /**
   * Images sent to the model with one answer: the latest ones. Each is billed as input tokens, so a
   * long conversation full of photos does not resend (and repay for) every one of them each turn.
   */
  sentToModel: 4,
} as const;

const IMAGE_PATH = /^\/api\/vision\/images\/([A-Za-z0-9_-]{16,64})$/;

export function chatImageUrl(imageId: string): string {
  return `/api/vision/images/${imageId}`;
}

/** The upload id an image part points at; undefined for anything that is not one of ours. */
export function chatImageId(url: string): string | undefined {
  return IMAGE_PATH.exec(url)?.[1];
}

/** A file part as the chat accepts it: an uploaded image, by its address in the person's storage. */
export const chatImagePartSchema = z.object({
  type: z.literal("file"),
  mediaType: z.string().regex(/^image\/(jpeg|png|webp|gif)$/, "must be a JPEG, PNG, WebP or GIF image"),
  url: z.string().regex(IMAGE_PATH, "must be an image uploaded to this app (/api/vision/images/<id>)"),
  filename: z.string().max(200).optional(),
});

/** The upload ids a message's image parts point at, in order. */
export function imageIdsOf(message: { parts: readonly { type: string; url?: string }[] }): string[] {
  return message.parts.flatMap((part) =>
    part.type === "file" && part.url ? [chatImageId(part.url)].filter((id): id is string => !!id) : [],
  );
}
