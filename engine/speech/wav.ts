/**
 * PCM WAV to the 16 kHz mono float samples Whisper reads: 8, 16, 24 and 32-bit integer or 32-bit
 * float, any rate and channel count (channels averaged, rate changed by linear interpolation, which
 * is enough for speech). Anything else is not WAV this engine can read.
 */
export const WHISPER_RATE = 16_000;

export function wavToMono16k(b: Buffer): Float32Array | undefined {
  if (b.length < 12 || b.toString("latin1", 0, 4) !== "RIFF" || b.toString("latin1", 8, 12) !== "WAVE") return undefined;
  let format = 0;
  let channels = 0;
  let rate = 0;
  let bits = 0;
  for (let i = 12; i + 8 <= b.length; ) {
    const id = b.toString("latin1", i, i + 4);
    const size = b.readUInt32LE(i + 4);
    if (id === "fmt ") {
      format = b.readUInt16LE(i + 8);
      channels = b.readUInt16LE(i + 10);
      rate = b.readUInt32LE(i + 12);
      bits = b.readUInt16LE(i + 22);
      if (format === 0xfffe && size >= 40) format = b.readUInt16LE(i + 32); // WAVE_FORMAT_EXTENSIBLE: the sub-format
    }
    if (id === "data") {
      if (!channels || !rate || (format !== 1 && format !== 3)) return undefined;
      const end = size === 0 || size === 0xffffffff ? b.length : Math.min(b.length, i + 8 + size);
      return resample(mono(b.subarray(i + 8, end), format, channels, bits), rate);
    }
    i += 8 + size + (size % 2);
  }
  return undefined;
}

function mono(data: Buffer, format: number, channels: number, bits: number): Float32Array {
  const width = bits / 8;
  const frames = Math.floor(data.length / (width * channels));
  const out = new Float32Array(frames);
  for (let f = 0; f < frames; f++) {
    let sum = 0;
    for (let c = 0; c < channels; c++) {
      const at = (f * channels + c) * width;
      if (format === 3) sum += bits === 64 ? data.readDoubleLE(at) : data.readFloatLE(at);
      else if (bits === 8) sum += (data[at] - 128) / 128;
      else if (bits === 16) sum += data.readInt16LE(at) / 32768;
      else if (bits === 24) sum += data.readIntLE(at, 3) / 8388608;
      else sum += data.readInt32LE(at) / 2147483648;
    }
    out[f] = sum / channels;
  }
  return out;
}

function resample(samples: Float32Array, rate: number): Float32Array {
  if (rate === WHISPER_RATE) return samples;
  const length = Math.floor((samples.length * WHISPER_RATE) / rate);
  const out = new Float32Array(length);
  const step = rate / WHISPER_RATE;
  for (let i = 0; i < length; i++) {
    const x = i * step;
    const j = Math.floor(x);
    const t = x - j;
    out[i] = samples[j] * (1 - t) + (samples[Math.min(j + 1, samples.length - 1)] ?? 0) * t;
  }
  return out;
}
