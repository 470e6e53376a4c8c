import type { VisionImage } from "../../contract/vision-api";
import { uploadImage } from "../vision/api";
import { isSupportedImage, resizeImage, type PreparedImage } from "./resize-image";

/**
 * One picked, pasted or dropped image on its way to the person's storage, the same for the vision
 * page and the chat: checked by its first bytes, shrunk in the browser, then uploaded through the
 * vision page's route. `onStep` hears what is happening, for a status line.
 */
export async function prepareAndUpload(
  file: File,
  onStep: (step: "shrinking" | "uploading") => void = () => {},
): Promise<{ image: VisionImage; prepared: PreparedImage }> {
  if (!(await isSupportedImage(file))) throw new Error(`${file.name || "That file"} is not a JPEG, PNG, WebP or GIF image.`);
  onStep("shrinking");
  let prepared: PreparedImage;
  try {
    prepared = await resizeImage(file);
  } catch {
    throw new Error(`${file.name || "The image"} could not be read: the file looks damaged.`);
  }
  onStep("uploading");
  return { image: await uploadImage(prepared.blob), prepared };
}
