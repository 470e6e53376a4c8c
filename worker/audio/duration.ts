import type { AudioFormat } from "../../contract/speech";
import { ascii, mp3FrameAt } from "./sniff";

/**
 * How long an upload plays, read from its container where that is cheap (headers and a walk over
 * element headers; no audio is decoded):
 * - WAV: the fmt chunk's byte rate and the data chunk's length (the bytes present, if fewer).
 * - FLAC: STREAMINFO's sample count and rate.
 * - Ogg: the last page's granule position (Opus: 48 kHz less the pre-skip; Vorbis: its own rate).
 * - MP4/M4A: the movie header's duration and timescale.
 * - WebM/Matroska: Info's Duration, else the last block's time (MediaRecorder writes no Duration).
 * - MP3: the Xing/Info/VBRI frame count, else the first frame's bitrate over the file (constant bitrate).
 * When the container says nothing usable, `source: "bound"`: the size at 16 kbit/s, a low speech
 * bitrate, so an unreadable file counts long rather than short. What is not checked: that the audio
 * really decodes, or that a file's own header tells the truth about its frames (a forged header can
 * claim a short duration). The model's own measured duration settles the bill (worker/audio/transcribe.ts).
 */
export interface AudioLength {
  seconds: number;
  source: "container" | "bound";
}

/** 16 kbit/s: below what browsers' recorders and common speech files use. */
export const BOUND_BYTES_PER_SECOND = 2000;

export function audioLength(b: Uint8Array, format: AudioFormat): AudioLength {
  let seconds: number | undefined;
  try {
    seconds = READERS[format](b);
  } catch {
    seconds = undefined; // a truncated or malformed container: fall back to the bound
  }
  if (seconds !== undefined && Number.isFinite(seconds) && seconds >= 0) return { seconds, source: "container" };
  return { seconds: b.length / BOUND_BYTES_PER_SECOND, source: "bound" };
}

const READERS: Record<AudioFormat, (b: Uint8Array) => number | undefined> = {
  wav: wavSeconds,
  flac: flacSeconds,
  ogg: oggSeconds,
  mp4: mp4Seconds,
  webm: webmSeconds,
  mp3: mp3Seconds,
};

const view = (b: Uint8Array) => new DataView(b.buffer, b.byteOffset, b.byteLength);

function wavSeconds(b: Uint8Array): number | undefined {
  const v = view(b);
  let byteRate: number | undefined;
  for (let i = 12; i + 8 <= b.length; ) {
    const size = v.getUint32(i + 4, true);
    if (ascii(b, i, "fmt ") && i + 16 <= b.length) byteRate = v.getUint32(i + 16, true);
    if (ascii(b, i, "data")) {
      if (!byteRate) return undefined;
      // A streamed WAV leaves the size at 0 or 0xFFFFFFFF: what is present is what plays.
      const present = b.length - (i + 8);
      const length = size === 0 || size === 0xffffffff ? present : Math.min(size, present);
      return length / byteRate;
    }
    i += 8 + size + (size % 2); // chunks are padded to an even length
  }
  return undefined;
}

function flacSeconds(b: Uint8Array): number | undefined {
  // "fLaC", then the STREAMINFO block (always first) after its 4-byte header.
  if (b.length < 26 || (b[4] & 0x7f) !== 0) return undefined;
  const rate = (b[18] << 12) | (b[19] << 4) | (b[20] >> 4);
  const samples = (b[21] & 0x0f) * 2 ** 32 + ((b[22] << 24) >>> 0) + (b[23] << 16) + (b[24] << 8) + b[25];
  return rate > 0 && samples > 0 ? samples / rate : undefined;
}

function oggSeconds(b: Uint8Array): number | undefined {
  const v = view(b);
  // The first page holds the codec's identification header.
  const segments = b[26];
  const packet = 27 + segments;
  let rate: number;
  let preSkip = 0;
  if (ascii(b, packet, "OpusHead")) {
    rate = 48_000; // Opus granule positions always count 48 kHz samples
    preSkip = v.getUint16(packet + 10, true);
  } else if (b[packet] === 1 && ascii(b, packet + 1, "vorbis")) {
    rate = v.getUint32(packet + 12, true);
  } else return undefined;
  // The last page with a granule position (-1 means no packet ends on that page).
  for (let i = b.length - 27; i >= 0; i--) {
    if (b[i] !== 0x4f || !ascii(b, i, "OggS")) continue;
    const granule = v.getBigInt64(i + 6, true);
    if (granule >= 0n) return rate > 0 ? Math.max(0, Number(granule) - preSkip) / rate : undefined;
  }
  return undefined;
}

function mp4Seconds(b: Uint8Array): number | undefined {
  const v = view(b);
  const moov = findBox(b, v, 0, b.length, "moov");
  const mvhd = moov && findBox(b, v, moov.start, moov.end, "mvhd");
  if (!mvhd) return undefined;
  const at = mvhd.start;
  const version = b[at];
  const timescale = version === 1 ? v.getUint32(at + 20) : v.getUint32(at + 12);
  const duration = version === 1 ? Number(v.getBigUint64(at + 24)) : v.getUint32(at + 16);
  return timescale > 0 ? duration / timescale : undefined;
}

/** A child box's contents by type, between `from` and `to`. */
function findBox(b: Uint8Array, v: DataView, from: number, to: number, type: string): { start: number; end: number } | undefined {
  for (let i = from; i + 8 <= to; ) {
    let size = v.getUint32(i);
    let header = 8;
    if (size === 1) {
      size = Number(v.getBigUint64(i + 8));
      header = 16;
    } else if (size === 0) size = to - i;
    if (size < header) return undefined;
    if (ascii(b, i + 4, type)) return { start: i + header, end: Math.min(i + size, to) };
    i += size;
  }
  return undefined;
}

// Matroska element ids (matroska.org/technical/elements.html).
const SEGMENT = 0x18538067;
const INFO = 0x1549a966;
const TIMECODE_SCALE = 0x2ad7b1;
const DURATION = 0x4489;
const CLUSTER = 0x1f43b675;
const CLUSTER_TIMECODE = 0xe7;
const SIMPLE_BLOCK = 0xa3;
const BLOCK_GROUP = 0xa0;
const BLOCK = 0xa1;
const CLUSTER_CHILDREN = new Set([CLUSTER_TIMECODE, SIMPLE_BLOCK, BLOCK_GROUP, 0xa7, 0xab, 0xa4]);

interface Vint {
  value: number;
  length: number;
  unknown: boolean;
}

/** An EBML variable-length integer; `id` keeps the marker bit, as element ids are written. */
function vint(b: Uint8Array, i: number, id: boolean): Vint | undefined {
  const first = b[i];
  if (first === undefined || first === 0) return undefined;
  const length = Math.clz32(first) - 23;
  if (length > 8 || i + length > b.length) return undefined;
  let value = id ? first : first & (0xff >> length);
  let allOnes = value === 0xff >> length;
  for (let k = 1; k < length; k++) {
    value = value * 256 + b[i + k];
    if (b[i + k] !== 0xff) allOnes = false;
  }
  return { value, length, unknown: !id && allOnes };
}

interface Element {
  id: number;
  data: number;
  /** Undefined for an unknown size (a live recording's Segment and Clusters). */
  end: number | undefined;
}

function element(b: Uint8Array, i: number): Element | undefined {
  const id = vint(b, i, true);
  const size = id && vint(b, i + id.length, false);
  if (!id || !size) return undefined;
  const data = i + id.length + size.length;
  return { id: id.value, data, end: size.unknown ? undefined : data + size.value };
}

function readUint(b: Uint8Array, from: number, to: number): number {
  let value = 0;
  for (let i = from; i < to; i++) value = value * 256 + b[i];
  return value;
}

function webmSeconds(b: Uint8Array): number | undefined {
  const header = element(b, 0);
  if (!header?.end) return undefined;
  const segment = element(b, header.end);
  if (!segment || segment.id !== SEGMENT) return undefined;
  const segmentEnd = Math.min(segment.end ?? b.length, b.length);
  let scale = 1_000_000; // nanoseconds per timecode unit, Matroska's default
  let declared: number | undefined;
  let lastTime: number | undefined;
  for (let i = segment.data; i < segmentEnd; ) {
    const el = element(b, i);
    if (!el) break;
    if (el.id === INFO && el.end) {
      for (let j = el.data; j < el.end; ) {
        const child = element(b, j);
        if (!child?.end) break;
        if (child.id === TIMECODE_SCALE) scale = readUint(b, child.data, child.end);
        if (child.id === DURATION) {
          const v = view(b);
          declared = child.end - child.data === 4 ? v.getFloat32(child.data) : v.getFloat64(child.data);
        }
        j = child.end;
      }
    }
    if (el.id === CLUSTER) {
      const walked = walkCluster(b, el, segmentEnd);
      if (walked.last !== undefined) lastTime = Math.max(lastTime ?? 0, walked.last);
      i = walked.end;
      continue;
    }
    if (el.end === undefined) break;
    i = el.end;
  }
  if (declared !== undefined && declared > 0) return (declared * scale) / 1e9;
  return lastTime === undefined ? undefined : (lastTime * scale) / 1e9;
}

/** A cluster's last block time (cluster timecode + the block's own offset), and where the cluster ends. */
function walkCluster(b: Uint8Array, cluster: Element, limit: number): { last: number | undefined; end: number } {
  const end = Math.min(cluster.end ?? limit, limit);
  let base = 0;
  let last: number | undefined;
  let i = cluster.data;
  while (i < end) {
    const child = element(b, i);
    // An unknown-size cluster ends where an element that cannot be its child begins.
    if (!child || child.end === undefined || (cluster.end === undefined && !CLUSTER_CHILDREN.has(child.id))) break;
    if (child.id === CLUSTER_TIMECODE) base = readUint(b, child.data, child.end);
    const block = child.id === SIMPLE_BLOCK ? child.data : child.id === BLOCK_GROUP ? blockIn(b, child) : undefined;
    if (block !== undefined && child.end <= b.length) {
      const track = vint(b, block, false);
      if (track && block + track.length + 2 <= b.length) {
        const offset = view(b).getInt16(block + track.length);
        last = Math.max(last ?? 0, base + offset);
      }
    }
    i = child.end;
  }
  return { last, end: cluster.end === undefined ? i : end };
}

function blockIn(b: Uint8Array, group: Element): number | undefined {
  for (let j = group.data; group.end !== undefined && j < group.end; ) {
    const child = element(b, j);
    if (!child?.end) return undefined;
    if (child.id === BLOCK) return child.data;
    j = child.end;
  }
  return undefined;
}

// MPEG audio layer III tables (ISO 11172-3 / 13818-3), in kbit/s and Hz.
const BITRATES_V1 = [0, 32, 40, 48, 56, 64, 80, 96, 112, 128, 160, 192, 224, 256, 320];
const BITRATES_V2 = [0, 8, 16, 24, 32, 40, 48, 56, 64, 80, 96, 112, 128, 144, 160];
const RATES: Record<number, number[]> = { 3: [44100, 48000, 32000], 2: [22050, 24000, 16000], 0: [11025, 12000, 8000] };

function mp3Seconds(b: Uint8Array): number | undefined {
  let start = 0;
  if (ascii(b, 0, "ID3") && b.length >= 10) {
    const size = ((b[6] & 0x7f) << 21) | ((b[7] & 0x7f) << 14) | ((b[8] & 0x7f) << 7) | (b[9] & 0x7f);
    start = 10 + size + (b[5] & 0x10 ? 10 : 0);
  }
  // The first frame, allowing for padding between the tag and the audio.
  let i = start;
  const searchEnd = Math.min(b.length - 4, start + 4096);
  while (i <= searchEnd && !mp3FrameAt(b, i)) i++;
  if (i > searchEnd) return undefined;
  const version = (b[i + 1] >> 3) & 0x03; // 3: MPEG 1, 2: MPEG 2, 0: MPEG 2.5
  const mono = b[i + 3] >> 6 === 3;
  const rate = RATES[version][(b[i + 2] >> 2) & 0x03];
  const kbps = (version === 3 ? BITRATES_V1 : BITRATES_V2)[b[i + 2] >> 4];
  const samplesPerFrame = version === 3 ? 1152 : 576;
  const sideInfo = version === 3 ? (mono ? 17 : 32) : mono ? 9 : 17;
  const v = view(b);
  const xing = i + 4 + sideInfo;
  if ((ascii(b, xing, "Xing") || ascii(b, xing, "Info")) && b[xing + 7] & 0x01 && xing + 12 <= b.length) {
    return (v.getUint32(xing + 8) * samplesPerFrame) / rate;
  }
  if (ascii(b, i + 36, "VBRI") && i + 36 + 18 <= b.length) return (v.getUint32(i + 36 + 14) * samplesPerFrame) / rate;
  const tail = ascii(b, b.length - 128, "TAG") ? 128 : 0; // an ID3v1 tag at the end is not audio
  return ((b.length - i - tail) * 8) / (kbps * 1000);
}
