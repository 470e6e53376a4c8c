import type { AudioFormat } from "../../contract/speech";

/**
 * The container an upload is in, from its first bytes. The Content-Type a client sends is never
 * read: a browser labels a recording by what it asked MediaRecorder for, curl by the file name, and
 * a renamed file by nothing at all. Only these six reach a model; anything else is refused.
 */
export function sniffAudio(b: Uint8Array): AudioFormat | undefined {
  if (startsWith(b, 0, [0x1a, 0x45, 0xdf, 0xa3])) return "webm"; // EBML: WebM and Matroska
  if (ascii(b, 0, "OggS")) return "ogg";
  if (ascii(b, 0, "RIFF") && ascii(b, 8, "WAVE")) return "wav";
  if (ascii(b, 0, "fLaC")) return "flac";
  if (ascii(b, 4, "ftyp")) return "mp4"; // ISO base media: MP4, M4A, 3GP
  if (ascii(b, 0, "ID3") || mp3FrameAt(b, 0)) return "mp3";
  return undefined;
}

/** An MPEG audio layer III frame header: sync, a known version, a bitrate and a sample rate that exist. */
export function mp3FrameAt(b: Uint8Array, i: number): boolean {
  if (i + 4 > b.length || b[i] !== 0xff || (b[i + 1] & 0xe0) !== 0xe0) return false;
  const version = (b[i + 1] >> 3) & 0x03; // 01 is reserved
  const layer = (b[i + 1] >> 1) & 0x03; // 01 is layer III; 00 (reserved) is what AAC's ADTS header has
  const bitrate = b[i + 2] >> 4;
  const rate = (b[i + 2] >> 2) & 0x03;
  return version !== 1 && layer === 1 && bitrate !== 0 && bitrate !== 15 && rate !== 3;
}

export function ascii(b: Uint8Array, at: number, text: string): boolean {
  if (at + text.length > b.length) return false;
  for (let i = 0; i < text.length; i++) if (b[at + i] !== text.charCodeAt(i)) return false;
  return true;
}

function startsWith(b: Uint8Array, at: number, bytes: number[]): boolean {
  return at + bytes.length <= b.length && bytes.every((v, i) => b[at + i] === v);
}
