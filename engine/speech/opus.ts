import { OpusDecoder } from "opus-decoder";
import { WHISPER_RATE } from "./wav";

/**
 * Opus in WebM (what a browser's MediaRecorder makes) or in Ogg, decoded to Whisper's 16 kHz mono
 * samples with opus-decoder (libopus compiled to WebAssembly, MIT). The containers are walked here:
 * WebM's SimpleBlocks and BlockGroups (no lacing: MediaRecorder writes none), Ogg's pages and their
 * lacing. Anything else is not Opus this engine reads.
 */
export async function opusToMono16k(b: Buffer): Promise<Float32Array | undefined> {
  const frames = b.subarray(0, 4).equals(EBML_MAGIC) ? webmFrames(b) : b.toString("latin1", 0, 4) === "OggS" ? oggFrames(b) : undefined;
  if (!frames?.length) return undefined;
  const head = opusHead(b);
  const decoder = new OpusDecoder({ sampleRate: WHISPER_RATE, channels: head.channels, preSkip: head.preSkip, forceStereo: false });
  await decoder.ready;
  try {
    const { channelData, samplesDecoded } = decoder.decodeFrames(frames);
    const out = new Float32Array(samplesDecoded);
    for (const channel of channelData) for (let i = 0; i < samplesDecoded; i++) out[i] += channel[i] / channelData.length;
    return out;
  } finally {
    decoder.free();
  }
}

const EBML_MAGIC = Buffer.from([0x1a, 0x45, 0xdf, 0xa3]);

/** Channels and pre-skip from the OpusHead (WebM's CodecPrivate, Ogg's first packet). */
function opusHead(b: Buffer): { channels: number; preSkip: number } {
  const at = b.subarray(0, 8192).indexOf("OpusHead", 0, "latin1");
  if (at < 0 || at + 12 > b.length) return { channels: 1, preSkip: 0 };
  return { channels: b[at + 9] || 1, preSkip: b.readUInt16LE(at + 10) };
}

function vint(b: Buffer, i: number, keepMarker: boolean): { value: number; length: number; unknown: boolean } | undefined {
  const first = b[i];
  if (first === undefined || first === 0) return undefined;
  const length = Math.clz32(first) - 23;
  if (length > 8 || i + length > b.length) return undefined;
  let value = keepMarker ? first : first & (0xff >> length);
  let allOnes = value === 0xff >> length;
  for (let k = 1; k < length; k++) {
    value = value * 256 + b[i + k];
    if (b[i + k] !== 0xff) allOnes = false;
  }
  return { value, length, unknown: !keepMarker && allOnes };
}

const SEGMENT = 0x18538067;
const CLUSTER = 0x1f43b675;
const SIMPLE_BLOCK = 0xa3;
const BLOCK_GROUP = 0xa0;
const BLOCK = 0xa1;
/** Elements whose children are walked; an unknown size (a live recording's) runs to the end. */
const MASTERS = new Set([SEGMENT, CLUSTER, BLOCK_GROUP]);

function webmFrames(b: Buffer): Buffer[] {
  const frames: Buffer[] = [];
  const walk = (from: number, to: number) => {
    for (let i = from; i < to; ) {
      const id = vint(b, i, true);
      const size = id && vint(b, i + id.length, false);
      if (!id || !size) return;
      const data = i + id.length + size.length;
      const end = size.unknown ? to : Math.min(data + size.value, to);
      if (MASTERS.has(id.value)) {
        // A master of unknown size holds the rest; its children are walked in place.
        if (size.unknown) return walk(data, to);
        walk(data, end);
      } else if (id.value === SIMPLE_BLOCK || id.value === BLOCK) {
        const track = vint(b, data, false);
        if (track && (b[data + track.length + 2] & 0x06) === 0) frames.push(b.subarray(data + track.length + 3, end));
      }
      i = end;
    }
  };
  walk(0, b.length);
  return frames;
}

/** Ogg pages' packets (a packet may span pages), without the two header packets. */
function oggFrames(b: Buffer): Buffer[] {
  const packets: Buffer[] = [];
  let pending: Buffer[] = [];
  for (let i = 0; i + 27 <= b.length && b.toString("latin1", i, i + 4) === "OggS"; ) {
    const segments = b[i + 26];
    let at = i + 27 + segments;
    for (let s = 0; s < segments; s++) {
      const length = b[i + 27 + s];
      pending.push(b.subarray(at, at + length));
      at += length;
      if (length < 255) {
        packets.push(Buffer.concat(pending));
        pending = [];
      }
    }
    i = at;
  }
  return packets.slice(2);
}
