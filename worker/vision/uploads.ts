import { AppError } from "../../contract/errors";
import { VISION_LIMITS, type VisionImage } from "../../contract/vision-api";
import { randomId } from "../../contract/ids";
import { readLimited } from "../http/read-limited";
import { sniffImage } from "./sniff";

/** Room for multipart boundaries and part headers around the image itself. */
const MULTIPART_OVERHEAD = 16 * 1024;
const megabytes = (n: number) => `${Math.round((n / 1024 / 1024) * 10) / 10} MB`;
const TOO_LARGE = `The image is larger than ${megabytes(VISION_LIMITS.maxBytes)}. Pick a smaller one.`;

/** R2 key of an uploaded image a question was asked about: per user, so keys never collide and ownership is visible. */
export function uploadKey(userId: string, imageId: string): string {
  return `uploads/${userId}/${imageId}`;
}

/** R2 key of a fresh upload until its first question (./save-upload.ts); this prefix expires by age. */
export const PENDING_UPLOADS_PREFIX = "pending-uploads/";
export function pendingUploadKey(userId: string, imageId: string): string {
  return `${PENDING_UPLOADS_PREFIX}${userId}/${imageId}`;
}

/**
 * Reads one uploaded image (multipart field `image`, or the raw body), refusing it early when it is
 * too big, and identifies it from its bytes. The whole raw body is capped before `formData()` ever
 * sees it, so a multipart upload cannot buffer more than the limit either.
 */
export async function readUpload(request: Request): Promise<{ image: VisionImage; data: Uint8Array }> {
  const type = request.headers.get("content-type") ?? "";
  const multipart = type.startsWith("multipart/form-data");
  const cap = VISION_LIMITS.maxBytes + (multipart ? MULTIPART_OVERHEAD : 0);
  const body = await readLimited(request.body, request.headers.get("content-length") ?? undefined, cap, TOO_LARGE);
  const data = multipart ? await imageField(body, type) : body;
  if (data.byteLength > VISION_LIMITS.maxBytes) throw new AppError("too_large", TOO_LARGE);
  if (data.byteLength === 0) throw new AppError("bad_request", "The upload is empty: send one image.");

  const sniffed = sniffImage(data);
  if (!sniffed)
    throw new AppError("unsupported_image", "That file is not a JPEG, PNG, WebP or GIF image (judged by its contents, not its name).");
  const { width, height } = sniffed;
  if (!width || !height) throw new AppError("unsupported_image", "The image's size could not be read: the file looks damaged.");
  if (Math.max(width, height) > VISION_LIMITS.maxSide) {
    throw new AppError(
      "too_large",
      `The image is ${width}×${height} pixels; the limit is ${VISION_LIMITS.maxSide} pixels on the longest side.`,
    );
  }
  return { image: { id: randomId(), ...sniffed, bytes: data.byteLength }, data };
}

async function imageField(body: Uint8Array, contentType: string): Promise<Uint8Array> {
  let form: FormData;
  try {
    form = await new Response(body, { headers: { "content-type": contentType } }).formData();
  } catch {
    throw new AppError("bad_request", "The upload is not valid multipart form data.");
  }
  const field = form.get("image");
  if (!field || typeof field === "string") throw new AppError("bad_request", "The form has no file in the `image` field.");
  return new Uint8Array(await field.arrayBuffer());
}
