/**
 * TEST DOUBLES for vision Worker tests: image files built byte by byte, and an upload body that
 * counts how much of it the Worker pulled.
 */

/** A real 1×1 PNG. */
export const TINY_PNG = Uint8Array.from(
  atob("iVBORw0KGgoAAAANSUhEUgAAAAEAAAABCAYAAAAfFcSJAAAADUlEQVR42mP8z8BQDwAEhQGAhKmMIQAAAABJRU5ErkJggg=="),
  (ch) => ch.charCodeAt(0),
);

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

export interface GifFrame {
  left?: number;
  top?: number;
  width: number;
  height: number;
  /** A local colour table of 2^(n+1) entries, as the packed field encodes it. */
  localColours?: number;
}

/**
 * A GIF89a built block by block: a 2-colour global table, a graphic control extension and a comment
 * (multi-sub-block) extension before each frame, every frame's descriptor and a tiny LZW payload,
 * then the trailer (left off with `truncate`).
 */
export function gif(screen: { width: number; height: number }, frames: GifFrame[], options: { truncate?: boolean } = {}): Uint8Array {
  const bytes: number[] = [...new TextEncoder().encode("GIF89a")];
  const u16 = (n: number) => [n & 0xff, n >> 8];
  bytes.push(...u16(screen.width), ...u16(screen.height), 0x80, 0, 0, 0, 0, 0, 0xff, 0xff, 0xff);
  for (const frame of frames) {
    bytes.push(0x21, 0xf9, 4, 0, 0, 0, 0, 0); // graphic control extension
    bytes.push(0x21, 0xfe, 3, 0x61, 0x62, 0x63, 2, 0x64, 0x65, 0); // comment in two sub-blocks
    const local = frame.localColours;
    bytes.push(
      0x2c,
      ...u16(frame.left ?? 0),
      ...u16(frame.top ?? 0),
      ...u16(frame.width),
      ...u16(frame.height),
      local === undefined ? 0 : 0x80 | local,
    );
    if (local !== undefined) bytes.push(...new Array(3 * 2 ** (local + 1)).fill(0));
    bytes.push(2, 2, 0x44, 0x01, 0); // LZW minimum code size, one data sub-block, terminator
  }
  if (!options.truncate) bytes.push(0x3b);
  return Uint8Array.from(bytes);
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
