import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { LOCAL_ENGINE_NO_SPEECH_MODEL } from "../../contract/local-engine";
import { ensureTestTextModel } from "../fixtures/test-model";
import { type Engine, startEngine } from "../server";
import { ensureTestWhisperModel } from "./fixtures";
import { WHISPER_RATE, wavToMono16k } from "./wav";

const WHISPER = "@cf/openai/whisper-large-v3-turbo";
const NOVA = "@cf/deepgram/nova-3";
const AURA2 = "@cf/deepgram/aura-2-en";
const MELO = "@cf/myshell-ai/melotts";

let engine: Engine;
beforeAll(async () => {
  engine = await startEngine({
    port: 0,
    textModelPath: await ensureTestTextModel(),
    whisperModelDir: await ensureTestWhisperModel(),
    download: false,
  });
});
afterAll(() => engine.close());

const run = (model: string, body: string | Buffer, type = "application/json", query = "") =>
  fetch(`${engine.url}/run/${model}${query}`, { method: "POST", headers: { "content-type": type }, body });

/** A 16-bit PCM WAV's header fields and its samples' loudness. */
function inspect(wav: Buffer) {
  const samples = wavToMono16k(wav)!;
  const rms = Math.sqrt(samples.reduce((sum, s) => sum + s * s, 0) / samples.length);
  return { riff: wav.toString("latin1", 0, 4), wave: wav.toString("latin1", 8, 12), seconds: samples.length / WHISPER_RATE, rms };
}

let spoken: Buffer;

describe("speech synthesis with eSpeak NG", () => {
  it("answers Aura with a WAV as long as the sentence takes to say, and not silence", async () => {
    const text = "The tide turns at noon, and the boats come home before dark.";
    const response = await run(AURA2, JSON.stringify({ text, speaker: "luna" }));
    expect(response.status, await response.clone().text()).toBe(200);
    expect(response.headers.get("content-type")).toBe("audio/wav");
    expect(response.headers.get("x-local-engine-model")).toBe("espeak-ng");
    spoken = Buffer.from(await response.arrayBuffer());
    const wav = inspect(spoken);
    expect(wav.riff).toBe("RIFF");
    expect(wav.wave).toBe("WAVE");
    // 12 words: about 3 to 6 seconds at eSpeak's default 175 words a minute, pauses included.
    expect(wav.seconds).toBeGreaterThan(2.5);
    expect(wav.seconds).toBeLessThan(8);
    expect(wav.rms).toBeGreaterThan(0.01);
  });

  it("answers MeloTTS in its own shape, { audio: base64 }, in the language asked", async () => {
    const response = await run(MELO, JSON.stringify({ prompt: "Bonjour à tous.", lang: "fr" }));
    expect(response.status).toBe(200);
    const { result } = (await response.json()) as { result: { audio: string } };
    const wav = inspect(Buffer.from(result.audio, "base64"));
    expect(wav.riff).toBe("RIFF");
    expect(wav.seconds).toBeGreaterThan(0.5);
    expect(wav.rms).toBeGreaterThan(0.01);
  });

  it("refuses empty text in Workers AI's envelope", async () => {
    const response = await run(AURA2, JSON.stringify({ text: "  " }));
    expect(response.status).toBe(400);
    expect(((await response.json()) as any).success).toBe(false);
  });
});

describe("transcription with a Whisper pipeline on the generated tiny model", () => {
  it("hears eSpeak's speech end to end through Whisper's contract: { text, transcription_info.duration, vtt }", async () => {
    expect(spoken).toBeDefined();
    const response = await run(WHISPER, JSON.stringify({ audio: spoken.toString("base64"), language: "en" }));
    expect(response.status, await response.clone().text()).toBe(200);
    expect(response.headers.get("x-local-engine-model")).toBe("whisper-tiny-test");
    const { result } = (await response.json()) as any;
    // The tiny model cannot hear words, only whether there was sound (fixtures.ts).
    expect(result.text).toBe("sound.");
    expect(result.transcription_info.duration).toBeCloseTo(inspect(spoken).seconds, 1);
    expect(result.vtt).toMatch(/^WEBVTT\n\n00:00\.000 --> 00:0\d\.\d{3}\nsound\.\n$/);
    expect(result.word_count).toBe(1);
  });

  it("tells silence from speech, so the audio really reaches the model", async () => {
    const silence = Buffer.alloc(44 + 32_000);
    silence.write("RIFF", 0);
    silence.writeUInt32LE(36 + 32_000, 4);
    silence.write("WAVEfmt ", 8);
    silence.writeUInt32LE(16, 16);
    silence.writeUInt16LE(1, 20);
    silence.writeUInt16LE(1, 22);
    silence.writeUInt32LE(16_000, 24);
    silence.writeUInt32LE(32_000, 28);
    silence.writeUInt16LE(2, 32);
    silence.writeUInt16LE(16, 34);
    silence.write("data", 36);
    silence.writeUInt32LE(32_000, 40);
    const response = await run(WHISPER, JSON.stringify({ audio: silence.toString("base64") }));
    expect(((await response.json()) as any).result).toMatchObject({ text: "quiet.", transcription_info: { duration: 1 } });
  });

  it("answers Nova-3's raw audio body in Deepgram's shape", async () => {
    const response = await run(NOVA, spoken, "audio/wav", "?language=en");
    expect(response.status, await response.clone().text()).toBe(200);
    const { result } = (await response.json()) as any;
    expect(result.results.channels[0].alternatives[0].transcript).toBe("sound.");
    expect(result.metadata.duration).toBeGreaterThan(2.5);
  });

  it("decodes Opus in WebM as MediaRecorder writes it (unknown sizes, no Duration) and in Ogg", async () => {
    // Opus's smallest frame (TOC 0xF8: CELT fullband 20 ms, one frame) decodes to 20 ms of silence.
    const silentFrame = [0xf8, 0xff, 0xfe];
    const opusHead = [...Buffer.from("OpusHead"), 1, 1, 0x38, 0x01, 0x80, 0xbb, 0, 0, 0, 0, 0];
    const unknown = [0x01, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff];
    const blocks: number[] = [0xe7, 0x81, 0x00];
    for (let t = 0; t < 100; t++) blocks.push(0xa3, 0x80 | (4 + silentFrame.length), 0x81, 0, (t * 20) & 0xff, 0x80, ...silentFrame);
    const codecPrivate = [0x63, 0xa2, 0x80 | opusHead.length, ...opusHead];
    const tracks = [0x16, 0x54, 0xae, 0x6b, 0x80 | (codecPrivate.length + 2), 0xae, 0x80 | codecPrivate.length, ...codecPrivate];
    const webm = Buffer.from([
      ...[0x1a, 0x45, 0xdf, 0xa3, 0x87, 0x42, 0x82, 0x84, ...Buffer.from("webm")],
      ...[0x18, 0x53, 0x80, 0x67, ...unknown],
      ...tracks,
      ...[0x1f, 0x43, 0xb6, 0x75, ...unknown, ...blocks],
    ]);
    const webmAnswer = (await (await run(WHISPER, JSON.stringify({ audio: webm.toString("base64") }))).json()) as any;
    expect(webmAnswer.result, JSON.stringify(webmAnswer)).toMatchObject({ text: "quiet." });
    expect(webmAnswer.result.transcription_info.duration).toBeCloseTo(2, 1);

    const page = (flags: number, granule: number, packets: number[][]) => {
      const header = Buffer.alloc(27 + packets.length);
      header.write("OggS", 0);
      header[5] = flags;
      header.writeBigInt64LE(BigInt(granule), 6);
      header[26] = packets.length;
      for (const [i, p] of packets.entries()) header[27 + i] = p.length;
      return Buffer.concat([header, Buffer.from(packets.flat())]);
    };
    const ogg = Buffer.concat([
      page(2, 0, [opusHead]),
      page(0, 0, [[...Buffer.from("OpusTags"), 0, 0, 0, 0, 0, 0, 0, 0]]),
      page(
        4,
        50 * 960,
        Array.from({ length: 50 }, () => silentFrame),
      ),
    ]);
    const oggAnswer = (await (await run(NOVA, ogg, "audio/ogg")).json()) as any;
    expect(oggAnswer.result.metadata.duration).toBeCloseTo(1, 1);
  });

  it("refuses audio it cannot decode in words, naming what it reads", async () => {
    const flac = Buffer.from([...Buffer.from("fLaC"), 0x80, 0, 0, 34, ...new Array(34).fill(0)]);
    const response = await run(WHISPER, JSON.stringify({ audio: flac.toString("base64") }));
    expect(response.status).toBe(400);
    expect(((await response.json()) as any).errors[0].message).toContain("WAV");
  });
});

describe("without a transcription model", () => {
  it("answers 503 with code 9905 and says what to do, offline", async () => {
    const bare = await startEngine({
      port: 0,
      textModelPath: await ensureTestTextModel(),
      whisperModelDir: "/nonexistent/whisper",
      download: false,
    });
    try {
      const response = await fetch(`${bare.url}/run/${WHISPER}`, {
        method: "POST",
        headers: { "content-type": "application/json" },
        body: JSON.stringify({ audio: spoken.toString("base64") }),
      });
      expect(response.status).toBe(503);
      const error = ((await response.json()) as any).errors[0];
      expect(error.code).toBe(LOCAL_ENGINE_NO_SPEECH_MODEL);
      expect(error.message).toContain("LOCAL_WHISPER_MODEL_DIR");
    } finally {
      await bare.close();
    }
  });
});
