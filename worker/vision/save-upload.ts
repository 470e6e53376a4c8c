import type { VisionImage } from "../../contract/vision-api";
import type { UserStoreRpc } from "../store/stub";
import { uploadKey } from "./uploads";

/**
 * An upload is its R2 object plus its record in the user's store, and one never stays without the
 * other: the object is written first and removed again if the record cannot be saved (a quota
 * refusal, a store failure), so a failed upload leaves no bytes behind to pay for.
 */
export async function saveUpload(media: R2Bucket, store: UserStoreRpc, userId: string, image: VisionImage, data: Uint8Array): Promise<void> {
  const key = uploadKey(userId, image.id);
  await media.put(key, data, { httpMetadata: { contentType: image.mediaType } });
  try {
    await store.addVisionImage(image);
  } catch (error) {
    await media.delete(key);
    throw error;
  }
}
