import type { ModelMessage } from "ai";
import { CHAT_IMAGE_LIMITS, imageIdsOf } from "../../contract/chat-images";
import type { ChatMessage } from "../../contract/messages";

/** An uploaded image's bytes, as the person's store loaded them. */
export interface LoadedImage {
  data: Uint8Array;
  mediaType: string;
}

/** What the model gets instead of an older image that is not sent again. */
export const IMAGE_NOT_RESENT = "[An image shared earlier in the conversation; it is not sent again.]";

/**
 * The UI messages without their image parts: the AI SDK's conversion would treat an image's
 * address as a URL to fetch, and the model gets the stored bytes instead (withChatImages).
 */
export function withoutImageParts(messages: readonly ChatMessage[]): ChatMessage[] {
  return messages.map((m) => (m.parts.some((p) => p.type === "file") ? { ...m, parts: m.parts.filter((p) => p.type !== "file") } : m));
}

/** Every image id the messages use, each once, in order. */
export function imageIdsIn(messages: readonly ChatMessage[]): string[] {
  return [...new Set(messages.flatMap((m) => (m.role === "user" ? imageIdsOf(m) : [])))];
}

/** The ids whose bytes go to the model: the latest CHAT_IMAGE_LIMITS.sentToModel images. */
export function imagesToSend(messages: readonly ChatMessage[]): string[] {
  const all = messages.flatMap((m) => (m.role === "user" ? imageIdsOf(m) : []));
  return [...new Set(all.slice(-CHAT_IMAGE_LIMITS.sentToModel))];
}

/**
 * Puts each user message's images back into the model messages as file parts with their bytes, as
 * the vision route does (workers-ai-provider sends a file part as an `image_url` data URI). The AI
 * SDK turns each user UI message into exactly one user model message, so the n-th user message of
 * each list is the same message. Images not in `loaded` (older than the latest few) become a note.
 */
export function withChatImages(
  history: readonly ChatMessage[],
  modelMessages: ModelMessage[],
  loaded: ReadonlyMap<string, LoadedImage>,
): ModelMessage[] {
  const perUser = history.filter((m) => m.role === "user").map(imageIdsOf);
  let userIndex = 0;
  return modelMessages.map((m) => {
    if (m.role !== "user") return m;
    const ids = perUser[userIndex++] ?? [];
    if (!ids.length) return m;
    const parts = typeof m.content === "string" ? [{ type: "text" as const, text: m.content }] : m.content;
    const images = ids.map((id) => {
      const image = loaded.get(id);
      return image
        ? { type: "file" as const, data: image.data, mediaType: image.mediaType }
        : { type: "text" as const, text: IMAGE_NOT_RESENT };
    });
    return { ...m, content: [...parts, ...images] };
  });
}
