import { AppError } from "../../../contract/errors";
import type { ChatMessage } from "../../../contract/messages";
import { findChatModel } from "../../../contract/models";
import { imageIdsOf } from "../../../contract/chat-images";
import type { VisionImage } from "../../../contract/vision-api";
import { imageIdsIn, imagesToSend, type LoadedImage } from "../../ai/chat-images";
import type { Person } from "../person";
import { loadUpload, Vision } from "../vision/feature";

/** The images a chat turn sends (loaded), links to its conversation, and keeps (still pending expiry). */
export interface TurnImages {
  loaded: Map<string, LoadedImage>;
  linked: string[];
  pending: { record: VisionImage; bytes: Uint8Array }[];
}

/**
 * The images a chat turn uses. Those in the new message must be the person's own uploads (another
 * person's id is simply not found in this store) and need a model that sees images; the latest few
 * are loaded to send (contract/chat-images.ts). Ids in older messages that are not found (an
 * imported conversation) are left out rather than blocking the conversation.
 */
export async function chatTurnImages(person: Person, model: string, userId: string, messages: ChatMessage[]): Promise<TurnImages> {
  const ids = imageIdsIn(messages);
  const found: TurnImages = { loaded: new Map(), linked: [], pending: [] };
  if (!ids.length) return found;
  const last = messages.at(-1);
  const required = new Set(last?.role === "user" ? imageIdsOf(last) : []);
  const chatModel = findChatModel(model);
  if (!chatModel?.vision && required.size) {
    throw new AppError(
      "cannot_see_images",
      `${chatModel?.label ?? model} cannot see images. Pick a model labelled "sees images", or send the message without the image.`,
    );
  }
  const uploads = person.feature(Vision).rows;
  const linked = ids.filter((id) => uploads.getImage(id) !== null);
  if ([...required].some((id) => !linked.includes(id))) throw new AppError("not_found", "That image does not exist. Attach it again.");
  // A text-only model picked later in a conversation with images goes on without them (each becomes a note).
  if (!chatModel?.vision) return { ...found, linked };
  for (const id of imagesToSend(messages).filter((id) => linked.includes(id))) {
    const image = await loadUpload(person, userId, id);
    if (!image) throw new AppError("not_found", "That image does not exist. Attach it again.");
    found.loaded.set(id, { data: image.bytes, mediaType: image.record.mediaType });
    if (image.pending) found.pending.push(image);
  }
  return { ...found, linked };
}
