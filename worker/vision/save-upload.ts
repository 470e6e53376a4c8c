import type { VisionImage } from "../../contract/vision-api";
import { pendingUploadKey, uploadKey } from "./uploads";

/**
 * An upload's bytes in R2. A fresh upload waits under pending-uploads/ until its first question,
 * then is kept under uploads/. The bucket's lifecycle rule expires pending-uploads/ by age (README),
 * so a photo nobody asked about cannot outlive the app's own cleanup by more than that rule's days,
 * while a photo a thread refers to is never touched by it.
 *
 * The object is written first and removed again if the record cannot be saved (a quota refusal, a
 * store failure), so a failed upload leaves no bytes behind to pay for.
 */
export async function saveUpload(
  media: R2Bucket,
  /** Where the record goes: the person's store (worker/store/stub.ts). */
  store: { addVisionImage(image: VisionImage): Promise<unknown> },
  userId: string,
  image: VisionImage,
  data: Uint8Array,
): Promise<void> {
  const key = pendingUploadKey(userId, image.id);
  await media.put(key, data, { httpMetadata: { contentType: image.mediaType } });
  try {
    await store.addVisionImage(image);
  } catch (error) {
    await media.delete(key);
    throw error;
  }
}

/** The upload's bytes wherever they are; `pending` when no question has kept them yet. */
export async function readUploadObject(
  media: R2Bucket,
  userId: string,
  imageId: string,
): Promise<{ object: R2ObjectBody; pending: boolean } | null> {
  const kept = await media.get(uploadKey(userId, imageId));
  if (kept) return { object: kept, pending: false };
  const pending = await media.get(pendingUploadKey(userId, imageId));
  return pending ? { object: pending, pending: true } : null;
}

/**
 * After the first question about it is saved: the bytes move out of the expiring prefix. Written
 * before the pending copy is removed, so a failure between the two loses nothing (the next question
 * finds the pending copy and moves it again).
 */
export async function keepUpload(media: R2Bucket, userId: string, image: VisionImage, data: Uint8Array): Promise<void> {
  await media.put(uploadKey(userId, image.id), data, { httpMetadata: { contentType: image.mediaType } });
  await media.delete(pendingUploadKey(userId, image.id));
}

/** Both places an upload's bytes can be. */
export function deleteUploadObjects(media: R2Bucket, userId: string, imageIds: string[]): Promise<void> {
  return media.delete(imageIds.flatMap((id) => [uploadKey(userId, id), pendingUploadKey(userId, id)]));
}
