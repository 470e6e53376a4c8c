import { writeFileSync } from "node:fs";

/**
 * A WAV for Chromium's fake microphone (`--use-file-for-fake-audio-capture`, which loops it): a burst
 * of speech-like "syllables" (tones gliding in pitch, 180 ms each with short gaps, so the browser's
 * noise suppression does not treat them as a steady hum) and then silence. What the fake upstream
 * transcribes it to is scripted; the test only needs the real recording path to run on real audio.
 */
export function speechLikeWav(path: string, { speechSeconds = 1.5, silenceSeconds = 6, rate = 48_000 } = {}): string {
  const total = Math.round((speechSeconds + silenceSeconds) * rate);
  const data = Buffer.alloc(total * 2);
  const syllable = Math.round(0.18 * rate);
  const gap = Math.round(0.06 * rate);
  let phase = 0;
  for (let i = 0; i < Math.round(speechSeconds * rate); i++) {
    const n = i % (syllable + gap);
    if (n >= syllable) continue;
    const k = Math.floor(i / (syllable + gap));
    const frequency = 180 + 90 * (k % 3) + 120 * (n / syllable); // a glide, like a voiced vowel
    phase += (2 * Math.PI * frequency) / rate;
    const envelope = Math.sin((Math.PI * n) / syllable);
    const sample = 0.45 * envelope * (Math.sin(phase) + 0.4 * Math.sin(2 * phase) + 0.2 * Math.sin(3 * phase));
    data.writeInt16LE(Math.max(-32767, Math.min(32767, Math.round(sample * 32767))), i * 2);
  }
  const header = Buffer.alloc(44);
  header.write("RIFF", 0);
  header.writeUInt32LE(36 + data.length, 4);
  header.write("WAVE", 8);
  header.write("fmt ", 12);
  header.writeUInt32LE(16, 16);
  header.writeUInt16LE(1, 20); // PCM
  header.writeUInt16LE(1, 22); // mono
  header.writeUInt32LE(rate, 24);
  header.writeUInt32LE(rate * 2, 28);
  header.writeUInt16LE(2, 32);
  header.writeUInt16LE(16, 34);
  header.write("data", 36);
  header.writeUInt32LE(data.length, 40);
  writeFileSync(path, Buffer.concat([header, data]));
  return path;
}
