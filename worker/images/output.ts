import { AppError } from "../../contract/errors";

/**
 * Workers AI image models answer in three shapes: `{image: base64}` (FLUX), a stream of PNG/JPEG
 * bytes (Stable Diffusion through the binding or REST), or bytes already read. All become bytes
 * whose type and size come from the image itself, since no model labels its output reliably.
 */
export interface ImageBytes {
  bytes: Uint8Array;
  contentType: "image/png" | "image/jpeg";
  width: number;
  height: number;
}

export async function imageFromOutput(output: unknown): Promise<ImageBytes> {
  const bytes = await bytesOf(output);
  const png = pngSize(bytes);
  if (png) return { bytes, contentType: "image/png", ...png };
  const jpeg = jpegSize(bytes);
  if (jpeg) return { bytes, contentType: "image/jpeg", ...jpeg };
  throw new AppError("upstream", "The model answered, but not with a PNG or JPEG image.");
}

async function bytesOf(output: unknown): Promise<Uint8Array> {
  if (output instanceof ReadableStream) return new Uint8Array(await new Response(output).arrayBuffer());
  if (output instanceof Uint8Array) return output;
  if (output instanceof ArrayBuffer) return new Uint8Array(output);
  if (ArrayBuffer.isView(output)) return new Uint8Array(output.buffer, output.byteOffset, output.byteLength);
  const image = (output as { image?: unknown } | null)?.image;
  if (typeof image === "string") return fromBase64(image.replace(/^data:[^,]*,/, ""));
  throw new AppError("upstream", "The model answered without an image.");
}

function fromBase64(text: string): Uint8Array {
  try {
    return Uint8Array.from(atob(text), (ch) => ch.charCodeAt(0));
  } catch {
    throw new AppError("upstream", "The model's image was not valid base64.");
  }
}

const PNG_SIGNATURE = [0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a];

/** The IHDR chunk always comes first: width and height at bytes 16 and 20. */
function pngSize(b: Uint8Array): { width: number; height: number } | undefined {
  if (b.length < 24 || PNG_SIGNATURE.some((v, i) => b[i] !== v)) return undefined;
  const view = new DataView(b.buffer, b.byteOffset, b.byteLength);
  return { width: view.getUint32(16), height: view.getUint32(20) };
}

/** Walks the JPEG segments to the first start-of-frame marker, which holds the size. */
function jpegSize(b: Uint8Array): { width: number; height: number } | undefined {
  if (b.length < 4 || b[0] !== 0xff || b[1] !== 0xd8) return undefined;
  let i = 2;
  while (i + 9 < b.length) {
    if (b[i] !== 0xff) return undefined;
    const marker = b[i + 1];
    const length = (b[i + 2] << 8) | b[i + 3];
    // SOF0–SOF15, except DHT (C4), JPG (C8) and DAC (CC), which share the range.
    if (marker >= 0xc0 && marker <= 0xcf && marker !== 0xc4 && marker !== 0xc8 && marker !== 0xcc) {
      return { height: (b[i + 5] << 8) | b[i + 6], width: (b[i + 7] << 8) | b[i + 8] };
    }
    i += 2 + length;
  }
  return undefined;
}
