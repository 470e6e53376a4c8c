import type { ImageRecord } from "../../contract/images-api";

/**
 * What the image pipeline needs of the person's store: its gallery records. Narrow, so the chat's
 * tool (inside the store) passes its own methods and the routes pass the store's RPC stub.
 */
export interface ImageRecords {
  saveImage(record: ImageRecord): void | Promise<void>;
}

export interface ImageGallery extends ImageRecords {
  getImage(id: string): Promise<ImageRecord | null>;
  deleteImage(id: string): Promise<boolean>;
}

/**
 * An image is its R2 object (bytes) plus its record in the user's store, and one never exists
 * without the other: the object is written first and removed again if the record cannot be.
 */
export function mediaKey(userId: string, imageId: string): string {
  return `images/${userId}/${imageId}`;
}

export async function saveImage(
  media: R2Bucket,
  store: ImageRecords,
  userId: string,
  record: ImageRecord,
  bytes: Uint8Array,
): Promise<void> {
  const key = mediaKey(userId, record.id);
  await media.put(key, bytes, {
    httpMetadata: { contentType: record.contentType },
    // R2 allows 2 KB of custom metadata in all, so the prompt is cut; the record has it whole.
    customMetadata: {
      model: record.model,
      seed: String(record.seed ?? ""),
      prompt: record.prompt.slice(0, 500),
      createdAt: String(record.createdAt),
    },
  });
  try {
    await store.saveImage(record);
  } catch (error) {
    await media.delete(key);
    throw error;
  }
}

/** Object first: if removing the record then fails, a retried DELETE finishes the job. */
export async function deleteImage(media: R2Bucket, store: ImageGallery, userId: string, imageId: string): Promise<boolean> {
  if (!(await store.getImage(imageId))) return false;
  await media.delete(mediaKey(userId, imageId));
  return store.deleteImage(imageId);
}
