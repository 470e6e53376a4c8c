/**
 * TEST DOUBLES for vision Worker tests: image files built byte by byte, and an upload body that
 * counts how much of it the Worker pulled.
 */

/** A real 1×1 PNG. */
export const TINY_PNG = Uint8Array.from(atob("iVBORw0KGgoAAAANSUhEUgAAAAEAAAABCAYAAAAfFcSJAAAADUlEQVR42mP8z8BQDwAEhQGAhKmMIQAAAABJRU5ErkJggg=="), (ch) => ch.charCodeAt(0));

/** The start of a PNG claiming these dimensions; the Worker reads sizes from the header alone. */
export function pngHeader(width: number, height: number): Uint8Array {
  const bytes = new Uint8Array(64);
  bytes.set([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a, 0, 0, 0, 13, 0x49, 0x48, 0x44, 0x52]);
  const view = new DataView(bytes.buffer);
  view.setUint32(16, width);
  view.setUint32(20, height);
  bytes.set([8, 2, 0, 0, 0], 24);
  return bytes;
}

export function gifHeader(width: number, height: number): Uint8Array {
  const bytes = new Uint8Array(32);
  bytes.set(new TextEncoder().encode("GIF89a"));
  new DataView(bytes.buffer).setUint16(6, width, true);
  new DataView(bytes.buffer).setUint16(8, height, true);
  return bytes;
}

/** A JPEG whose size sits after an APP0 segment, as in real files. */
export function jpegHeader(width: number, height: number): Uint8Array {
  const bytes = new Uint8Array(64);
  bytes.set([0xff, 0xd8, 0xff, 0xe0, 0x00, 0x10, ...new TextEncoder().encode("JFIF\0"), 1, 1, 0, 0, 1, 0, 1, 0, 0]);
  const sof = 2 + 18;
  bytes.set([0xff, 0xc0, 0x00, 0x11, 0x08], sof);
  new DataView(bytes.buffer).setUint16(sof + 5, height);
  new DataView(bytes.buffer).setUint16(sof + 7, width);
  return bytes;
}

/** A lossless WebP (VP8L) header. */
export function webpHeader(width: number, height: number): Uint8Array {
  const bytes = new Uint8Array(40);
  const ascii = (offset: number, text: string) => bytes.set(new TextEncoder().encode(text), offset);
  ascii(0, "RIFF");
  ascii(8, "WEBP");
  ascii(12, "VP8L");
  bytes[20] = 0x2f;
  new DataView(bytes.buffer).setUint32(21, (width - 1) | ((height - 1) << 14), true);
  return bytes;
}

/** An endless-looking upload of `chunks` × `chunkBytes`; `pulls` says how many chunks were asked for. */
export function countedUpload(chunks: number, chunkBytes: number) {
  const counter = { pulls: 0 };
  const stream = new ReadableStream<Uint8Array>({
    pull(controller) {
      if (counter.pulls >= chunks) return controller.close();
      counter.pulls++;
      const chunk = new Uint8Array(chunkBytes);
      if (counter.pulls === 1) chunk.set(TINY_PNG);
      controller.enqueue(chunk);
    },
  });
  return { stream, counter };
}
