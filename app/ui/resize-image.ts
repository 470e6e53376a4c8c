import { VISION_LIMITS } from "../../contract/vision-api";

/** What the browser sends: the image shrunk to at most 1024 px and re-encoded, plus both sizes to show. */
export interface PreparedImage {
  blob: Blob;
  original: { bytes: number; width: number; height: number };
  sent: { bytes: number; width: number; height: number };
}

/**
 * Shrinks the image so its longest side is at most `maxSide` and re-encodes it as WebP (JPEG where
 * the browser cannot write WebP). A GIF's first frame is what gets drawn, which is what a vision
 * model would see anyway. Smaller uploads are faster and cost fewer tokens.
 */
export async function resizeImage(file: Blob, maxSide: number = VISION_LIMITS.uploadSide): Promise<PreparedImage> {
  const bitmap = await createImageBitmap(file);
  const { width, height } = bitmap;
  const scale = Math.min(1, maxSide / Math.max(width, height));
  const w = Math.max(1, Math.round(width * scale));
  const h = Math.max(1, Math.round(height * scale));
  const blob = await encode(bitmap, w, h);
  bitmap.close();
  return { blob, original: { bytes: file.size, width, height }, sent: { bytes: blob.size, width: w, height: h } };
}

async function encode(bitmap: ImageBitmap, width: number, height: number): Promise<Blob> {
  if (typeof OffscreenCanvas !== "undefined") {
    const canvas = new OffscreenCanvas(width, height);
    canvas.getContext("2d")!.drawImage(bitmap, 0, 0, width, height);
    const webp = await canvas.convertToBlob({ type: "image/webp", quality: 0.9 });
    // Browsers that cannot write WebP quietly give PNG instead.
    return webp.type === "image/webp" ? webp : canvas.convertToBlob({ type: "image/jpeg", quality: 0.9 });
  }
  const canvas = document.createElement("canvas");
  canvas.width = width;
  canvas.height = height;
  canvas.getContext("2d")!.drawImage(bitmap, 0, 0, width, height);
  const toBlob = (type: string) => new Promise<Blob | null>((resolve) => canvas.toBlob(resolve, type, 0.9));
  const webp = await toBlob("image/webp");
  if (webp?.type === "image/webp") return webp;
  const jpeg = await toBlob("image/jpeg");
  if (!jpeg) throw new Error("This browser could not re-encode the image.");
  return jpeg;
}

/** The image types a person may drop, judged by the file's first bytes as the Worker does. */
export async function isSupportedImage(file: Blob): Promise<boolean> {
  const b = new Uint8Array(await file.slice(0, 12).arrayBuffer());
  const ascii = (offset: number, text: string) => Array.from(text).every((ch, i) => b[offset + i] === ch.charCodeAt(0));
  return (
    (b[0] === 0xff && b[1] === 0xd8 && b[2] === 0xff) ||
    (b[0] === 0x89 && ascii(1, "PNG")) ||
    ascii(0, "GIF8") ||
    (ascii(0, "RIFF") && ascii(8, "WEBP"))
  );
}

export function formatBytes(bytes: number): string {
  if (bytes < 1024) return `${bytes} B`;
  if (bytes < 1024 * 1024) return `${(bytes / 1024).toFixed(1)} KB`;
  return `${(bytes / 1024 / 1024).toFixed(1)} MB`;
}
