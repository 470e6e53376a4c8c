/**
 * Audio files of a known length in each container the upload accepts, built byte by byte to the
 * formats' specifications (headers real, audio payload silence or a tone): enough for sniffing and
 * the length readers, which read containers and never decode.
 */

const concat = (...parts: (Uint8Array | number[])[]) => {
  const arrays = parts.map((p) => (p instanceof Uint8Array ? p : Uint8Array.from(p)));
  const out = new Uint8Array(arrays.reduce((n, a) => n + a.length, 0));
  let at = 0;
  for (const a of arrays) {
    out.set(a, at);
    at += a.length;
  }
  return out;
};
const text = (s: string) => new TextEncoder().encode(s);
const u32le = (n: number) => [n & 0xff, (n >> 8) & 0xff, (n >> 16) & 0xff, (n >>> 24) & 0xff];
const u16le = (n: number) => [n & 0xff, (n >> 8) & 0xff];
const u32be = (n: number) => [(n >>> 24) & 0xff, (n >> 16) & 0xff, (n >> 8) & 0xff, n & 0xff];

/** 16-bit mono PCM WAV with a 440 Hz tone. */
export function wav(seconds: number, rate = 16_000, bits: 8 | 16 = 16): Uint8Array {
  const samples = Math.round(seconds * rate);
  const bytesPerSample = bits / 8;
  const data = new Uint8Array(samples * bytesPerSample);
  const view = new DataView(data.buffer);
  for (let i = 0; i < samples; i++) {
    const v = Math.sin((2 * Math.PI * 440 * i) / rate) * 0.5;
    if (bits === 16) view.setInt16(i * 2, Math.round(v * 32767), true);
    else data[i] = Math.round(128 + v * 127);
  }
  const fmt = [
    ...text("fmt "),
    ...u32le(16),
    ...u16le(1),
    ...u16le(1),
    ...u32le(rate),
    ...u32le(rate * bytesPerSample),
    ...u16le(bytesPerSample),
    ...u16le(bits),
  ];
  return concat(text("RIFF"), u32le(4 + fmt.length + 8 + data.length), text("WAVE"), fmt, text("data"), u32le(data.length), data);
}

/** Constant-bitrate MPEG-1 layer III at 128 kbit/s, 44.1 kHz: frames of 417 bytes, 1152 samples each. */
export function mp3(seconds: number, { id3 = false } = {}): Uint8Array {
  const frames = Math.round((seconds * 44_100) / 1152);
  const frame = new Uint8Array(417);
  frame.set([0xff, 0xfb, 0x90, 0x00]);
  const body = new Uint8Array(frames * 417);
  for (let i = 0; i < frames; i++) body.set(frame, i * 417);
  if (!id3) return body;
  const tag = new Uint8Array(100); // syncsafe size 100
  return concat(text("ID3"), [3, 0, 0, 0, 0, 0, 100], tag, body);
}

/** A VBR MP3's first frame: a Xing header that counts the frames (the length is read from it, not the size). */
export function mp3Xing(seconds: number): Uint8Array {
  const frames = Math.round((seconds * 44_100) / 1152);
  const first = new Uint8Array(417);
  first.set([0xff, 0xfb, 0x90, 0x00]);
  first.set([...text("Xing"), 0, 0, 0, 1, ...u32be(frames)], 4 + 32);
  const rest = new Uint8Array(417 * 3);
  for (let i = 0; i < 3; i++) rest.set([0xff, 0xfb, 0x90, 0x00], i * 417);
  return concat(first, rest);
}

function oggPage(flags: number, granule: bigint, payload: Uint8Array): Uint8Array {
  const header = new Uint8Array(27);
  header.set(text("OggS"));
  header[5] = flags;
  new DataView(header.buffer).setBigInt64(6, granule, true);
  header[26] = 1;
  return concat(header, [payload.length], payload);
}

/** Ogg Opus: the identification header (pre-skip 312) and a last page whose granule position ends the stream. */
export function oggOpus(seconds: number): Uint8Array {
  const head = concat(text("OpusHead"), [1, 1], u16le(312), u32le(48_000), [0, 0, 0]);
  const audio = new Uint8Array(200).fill(0x55);
  return concat(oggPage(2, 0n, head), oggPage(0, -1n, audio), oggPage(4, BigInt(312 + Math.round(seconds * 48_000)), audio));
}

/** FLAC: the marker and a STREAMINFO block (16 kHz, mono, 16-bit) with the total sample count. */
export function flac(seconds: number): Uint8Array {
  const rate = 16_000;
  const samples = Math.round(seconds * rate);
  const info = new Uint8Array(34);
  info.set([0x10, 0x00, 0x10, 0x00]); // block sizes
  info[10] = (rate >> 12) & 0xff;
  info[11] = (rate >> 4) & 0xff;
  info[12] = ((rate & 0x0f) << 4) | (0 << 1) | 0; // channels-1 = 0, bits-per-sample high bit
  info[13] = (15 << 4) | Math.floor(samples / 2 ** 32); // bps-1 low bits, samples high bits
  info.set(u32be(samples % 2 ** 32), 14);
  return concat(text("fLaC"), [0x80, 0, 0, 34], info, new Uint8Array(64));
}

/** MP4/M4A: ftyp, then a moov holding an mvhd with a 1 kHz timescale. */
export function m4a(seconds: number): Uint8Array {
  const ftyp = concat(u32be(20), text("ftyp"), text("M4A "), u32be(0), text("isom"));
  const mvhd = concat(u32be(8 + 20), text("mvhd"), [0, 0, 0, 0], u32be(0), u32be(0), u32be(1000), u32be(Math.round(seconds * 1000)));
  const moov = concat(u32be(8 + mvhd.length), text("moov"), mvhd);
  const mdat = concat(u32be(8 + 64), text("mdat"), new Uint8Array(64));
  return concat(ftyp, mdat, moov);
}

const UNKNOWN_SIZE = [0x01, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff];
const ebmlSize = (n: number) => [0x40 | (n >> 8), n & 0xff]; // 2-byte size, up to 16383

/**
 * WebM as Chrome's MediaRecorder writes it: Segment and Clusters of unknown size, no Duration, one
 * 20 ms Opus block after another. With `declared`, Info carries a Duration instead (a finished file).
 */
export function webm(seconds: number, { declared }: { declared?: number } = {}): Uint8Array {
  const header = concat([0x1a, 0x45, 0xdf, 0xa3], [0x80 | 7], [0x42, 0x82, 0x84], text("webm"));
  const scale = [0x2a, 0xd7, 0xb1, 0x83, 0x0f, 0x42, 0x40]; // 1,000,000 ns
  const duration =
    declared === undefined
      ? []
      : (() => {
          const d = new Uint8Array(8);
          new DataView(d.buffer).setFloat64(0, declared * 1000);
          return [0x44, 0x89, 0x88, ...d];
        })();
  const infoBody = [...scale, ...duration];
  const info = concat([0x15, 0x49, 0xa9, 0x66], [0x80 | infoBody.length], infoBody);
  const clusters: Uint8Array[] = [];
  const totalMs = Math.round(seconds * 1000);
  for (let base = 0; base < totalMs; base += 5000) {
    const blocks: number[] = [0xe7, 0x82, (base >> 8) & 0xff, base & 0xff];
    for (let t = 0; t < 5000 && base + t < totalMs; t += 20) {
      const payload = [0x81, (t >> 8) & 0xff, t & 0xff, 0x80, ...new Array(40).fill(0x33)];
      blocks.push(0xa3, ...ebmlSize(payload.length), ...payload);
    }
    clusters.push(concat([0x1f, 0x43, 0xb6, 0x75], UNKNOWN_SIZE, blocks));
  }
  return concat(header, [0x18, 0x53, 0x80, 0x67], UNKNOWN_SIZE, info, ...clusters);
}

export const FORMATS = {
  wav: { make: wav, type: "audio/wav" },
  mp3: { make: mp3, type: "audio/mpeg" },
  ogg: { make: oggOpus, type: "audio/ogg" },
  flac: { make: flac, type: "audio/flac" },
  mp4: { make: m4a, type: "audio/mp4" },
  webm: { make: webm, type: "audio/webm" },
} as const;

export function toBase64(bytes: Uint8Array): string {
  let binary = "";
  for (let i = 0; i < bytes.length; i += 0x8000) binary += String.fromCharCode(...bytes.subarray(i, i + 0x8000));
  return btoa(binary);
}
