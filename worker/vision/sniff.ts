import type { VisionMediaType } from "../../contract/vision-api";

/**
 * What an image file is, from its bytes alone: names and declared types are whatever a client says.
 * Dimensions come from the header (PNG IHDR, WebP VP8/VP8L/VP8X, JPEG's SOF marker); a GIF's are
 * the box around its screen and every frame (see `gif`).
 */
export interface SniffedImage {
  mediaType: VisionMediaType;
  width: number;
  height: number;
}

export function sniffImage(b: Uint8Array): SniffedImage | undefined {
  const at = (offset: number, ...bytes: number[]) => bytes.every((v, i) => b[offset + i] === v);
  const ascii = (offset: number, text: string) => at(offset, ...Array.from(text, (ch) => ch.charCodeAt(0)));
  const view = new DataView(b.buffer, b.byteOffset, b.byteLength);
  if (b.length >= 24 && at(0, 0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a) && ascii(12, "IHDR")) {
    return { mediaType: "image/png", width: view.getUint32(16), height: view.getUint32(20) };
  }
  if (b.length >= 10 && (ascii(0, "GIF87a") || ascii(0, "GIF89a"))) return gif(b, view);
  if (b.length >= 30 && ascii(0, "RIFF") && ascii(8, "WEBP")) return webp(b, view, ascii);
  if (b.length >= 4 && at(0, 0xff, 0xd8, 0xff)) return jpeg(b, view);
  return undefined;
}

function webp(b: Uint8Array, view: DataView, ascii: (offset: number, text: string) => boolean): SniffedImage | undefined {
  const size = (width: number, height: number): SniffedImage => ({ mediaType: "image/webp", width, height });
  if (ascii(12, "VP8X")) return size(1 + uint24(b, 24), 1 + uint24(b, 27));
  if (ascii(12, "VP8L") && b[20] === 0x2f) {
    const bits = view.getUint32(21, true);
    return size(1 + (bits & 0x3fff), 1 + ((bits >> 14) & 0x3fff));
  }
  if (ascii(12, "VP8 ") && b[23] === 0x9d && b[24] === 0x01 && b[25] === 0x2a) {
    return size(view.getUint16(26, true) & 0x3fff, view.getUint16(28, true) & 0x3fff);
  }
  return undefined;
}

/**
 * A GIF's logical screen says little: each frame has its own descriptor, and a decoder allocates
 * what the frames ask for, so a 1×1 screen can carry a 65,535×65,535 frame. The blocks are walked to
 * the end, and the size returned covers the screen and every frame's extent (left + width,
 * top + height). A block structure that makes no sense reads as size 0 (a damaged file); a file cut
 * short ends the walk, as decoders show what arrived.
 */
function gif(b: Uint8Array, view: DataView): SniffedImage {
  let width = view.getUint16(6, true);
  let height = view.getUint16(8, true);
  const damaged: SniffedImage = { mediaType: "image/gif", width: 0, height: 0 };
  const colorTable = (packed: number) => (packed & 0x80 ? 3 * 2 ** ((packed & 0x07) + 1) : 0);
  /** Skips data sub-blocks (a length byte, that many bytes) up to the zero-length terminator. */
  const skipSubBlocks = (offset: number) => {
    while (offset < b.length && b[offset] !== 0) offset += 1 + b[offset];
    return offset + 1;
  };
  let offset = b.length > 10 ? 13 + colorTable(b[10]) : b.length;
  while (offset < b.length) {
    const block = b[offset];
    if (block === 0x3b) break; // trailer
    if (block === 0x21) {
      offset = skipSubBlocks(offset + 2); // introducer, label, then sub-blocks
    } else if (block === 0x2c) {
      if (offset + 10 > b.length) break;
      const right = view.getUint16(offset + 1, true) + view.getUint16(offset + 5, true);
      const bottom = view.getUint16(offset + 3, true) + view.getUint16(offset + 7, true);
      width = Math.max(width, right);
      height = Math.max(height, bottom);
      // Descriptor (10 bytes), local colour table, LZW minimum code size, then the image data.
      offset = skipSubBlocks(offset + 10 + colorTable(b[offset + 9]) + 1);
    } else {
      return damaged;
    }
  }
  return { mediaType: "image/gif", width, height };
}

/** Walks the marker segments to the first start-of-frame, which holds the size. */
function jpeg(b: Uint8Array, view: DataView): SniffedImage | undefined {
  let offset = 2;
  while (offset + 9 < b.length) {
    if (b[offset] !== 0xff) return undefined;
    const marker = b[offset + 1];
    if (marker === 0xff) {
      offset++; // fill byte
      continue;
    }
    const isFrame = marker >= 0xc0 && marker <= 0xcf && marker !== 0xc4 && marker !== 0xc8 && marker !== 0xcc;
    if (isFrame) return { mediaType: "image/jpeg", height: view.getUint16(offset + 5), width: view.getUint16(offset + 7) };
    offset += 2 + view.getUint16(offset + 2);
  }
  return undefined;
}

function uint24(b: Uint8Array, offset: number): number {
  return b[offset] | (b[offset + 1] << 8) | (b[offset + 2] << 16);
}
