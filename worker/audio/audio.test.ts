import { runInDurableObject } from "cloudflare:test";
import { env } from "cloudflare:workers";
import { afterEach, describe, expect, it, vi } from "vitest";
import { findSpeechModel, findTranscriptionModel, SPEECH_LIMITS, speechCost, transcriptionCost } from "../../contract/speech";
import type { SpendLedger } from "../spend/ledger";
import { personLedgerName, reserve, settle, spenderOf } from "../spend/spend";
import { FORMATS, flac, m4a, mp3, mp3Xing, oggOpus, toBase64, wav, webm } from "../test/audio-fixtures";
import { appWith, TestClient } from "../test/client";
import { bindingError, type RecordedCall, recordedRun } from "../test/recorded-ai";
import { audioLength } from "./duration";
import { sniffAudio } from "./sniff";

const WHISPER = "@cf/openai/whisper-large-v3-turbo";
const NOVA = "@cf/deepgram/nova-3";
const MELO = "@cf/myshell-ai/melotts";
const AURA2 = "@cf/deepgram/aura-2-en";

function useAi(answer: (call: RecordedCall) => unknown | Promise<unknown>) {
  const fake = recordedRun(answer);
  vi.spyOn(env.AI, "run").mockImplementation(fake.run as never);
  return fake;
}

afterEach(() => vi.restoreAllMocks());

const whisperAnswer = (text: string, duration: number) => ({
  text,
  word_count: text.split(" ").length,
  segments: [{ start: 0, end: duration, text }],
  vtt: `WEBVTT\n\n00:00.000 --> 00:0${Math.floor(duration)}.000\n${text}\n`,
  transcription_info: { language: "en", language_probability: 0.99, duration, duration_after_vad: duration },
});

function upload(client: TestClient, bytes: Uint8Array, query = "", type = "application/octet-stream") {
  return client.fetch(`/api/audio/transcriptions${query}`, { method: "POST", headers: { "content-type": type }, body: bytes });
}

/** Today's reservations of one person's ledger, oldest first. */
async function reservationsOf(client: TestClient) {
  const spender = spenderOf({ userId: client.userId!, person: { kind: "guest", owner: false } });
  const stub = env.SPEND_LEDGER.get(
    env.SPEND_LEDGER.idFromName(personLedgerName(spender.key)),
  ) as unknown as DurableObjectStub<SpendLedger>;
  return runInDurableObject(stub, (_ledger, state) =>
    state.storage.sql
      .exec<{ reserved: number; settled: number | null }>("SELECT reserved, settled FROM person_reservations ORDER BY seq")
      .toArray(),
  );
}

describe("sniffing: the bytes decide, never the Content-Type", () => {
  it.each(Object.entries(FORMATS))("recognises %s", (format, { make }) => {
    expect(sniffAudio(make(1))).toBe(format);
  });

  it("recognises MP3 behind an ID3 tag and a VBR (Xing) MP3", () => {
    expect(sniffAudio(mp3(1, { id3: true }))).toBe("mp3");
    expect(sniffAudio(mp3Xing(1))).toBe("mp3");
  });

  it.each([
    ["text", new TextEncoder().encode("hello, this is not audio at all")],
    ["a PNG", Uint8Array.from([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a, 0, 0, 0, 0])],
    ["AAC in ADTS (layer bits 00, not MPEG layer III)", Uint8Array.from([0xff, 0xf1, 0x50, 0x80, 0x02, 0x1f, 0xfc])],
    ["an MPEG frame with the reserved bitrate 1111", Uint8Array.from([0xff, 0xfb, 0xf0, 0x00])],
    ["a RIFF that is not WAVE (AVI)", new TextEncoder().encode("RIFF\0\0\0\0AVI LIST")],
    ["empty", new Uint8Array()],
  ])("refuses %s", (_, bytes) => {
    expect(sniffAudio(bytes)).toBeUndefined();
  });
});

describe("length: read from the container", () => {
  it.each([
    ["WAV", wav(3.5)],
    ["8-bit 8 kHz WAV", wav(3.5, 8000, 8)],
    ["CBR MP3", mp3(3.5)],
    ["MP3 with ID3", mp3(3.5, { id3: true })],
    ["VBR MP3 (Xing frame count; the file itself is 4 frames)", mp3Xing(3.5)],
    ["Ogg Opus (last granule less pre-skip)", oggOpus(3.5)],
    ["FLAC (STREAMINFO)", flac(3.5)],
    ["M4A (mvhd after mdat)", m4a(3.5)],
    ["WebM as MediaRecorder writes it (no Duration, unknown sizes)", webm(3.5)],
    ["WebM with a Duration", webm(1, { declared: 3.5 })],
  ])("%s", (_, bytes) => {
    const length = audioLength(bytes, sniffAudio(bytes)!);
    expect(length.source).toBe("container");
    expect(length.seconds).toBeGreaterThan(3.4);
    expect(length.seconds).toBeLessThan(3.6);
  });

  it("a container that says nothing falls back to the size at 16 kbit/s, so it counts long", () => {
    const broken = webm(3).slice(0, 60); // header and Info only: no blocks
    const length = audioLength(broken, "webm");
    expect(length).toEqual({ seconds: 60 / 2000, source: "bound" });
    const noFmt = new TextEncoder().encode("RIFF\0\0\0\0WAVEdata\0\0\0\0");
    expect(audioLength(noFmt, "wav").source).toBe("bound");
  });
});

describe("POST /api/audio/transcriptions", () => {
  it("sends Whisper the bytes as base64 with the language, answers { text, seconds, model } with the model's measured length", async () => {
    const fake = useAi(() => whisperAnswer("What is the tide at noon?", 2.25));
    const audio = wav(2.3);
    const response = await upload(new TestClient(), audio, "?language=en", "audio/webm;codecs=opus");
    expect(response.status, await response.clone().text()).toBe(200);
    expect(await response.json()).toEqual({ text: "What is the tide at noon?", seconds: 2.25, model: WHISPER });
    expect(fake.calls).toHaveLength(1);
    expect(fake.calls[0].model).toBe(WHISPER);
    expect(fake.calls[0].inputs).toEqual({ audio: toBase64(audio), language: "en" });
  });

  it.each(Object.entries(FORMATS))("accepts %s whatever type the request claims", async (_, { make }) => {
    useAi(() => whisperAnswer("hello", 1));
    const response = await upload(new TestClient(), make(1), "", "text/plain");
    expect(response.status, await response.clone().text()).toBe(200);
  });

  it("sends Nova-3 the bytes with the sniffed type (binding shape) and reads Deepgram's answer", async () => {
    const fake = useAi(() => ({
      metadata: { duration: 1.5 },
      results: { channels: [{ alternatives: [{ transcript: "good morning", confidence: 0.98 }] }] },
    }));
    const audio = oggOpus(1.5);
    const response = await upload(new TestClient(), audio, `?model=${encodeURIComponent(NOVA)}`, "audio/wav");
    expect(await response.json()).toEqual({ text: "good morning", seconds: 1.5, model: NOVA });
    const inputs = fake.calls[0].inputs as { audio: { body: Uint8Array; contentType: string }; detect_language: boolean };
    expect(inputs.audio.contentType).toBe("audio/ogg");
    expect(new Uint8Array(inputs.audio.body)).toEqual(audio);
    expect(inputs.detect_language).toBe(true);
  });

  it("refuses what is not audio with 415 unsupported_audio, before any model call or spend", async () => {
    const spy = vi.spyOn(env.AI, "run");
    const client = new TestClient();
    const response = await upload(client, new TextEncoder().encode("<html>not a recording</html>"), "", "audio/webm");
    expect(response.status).toBe(415);
    expect(((await response.json()) as any).error.code).toBe("unsupported_audio");
    expect(spy).not.toHaveBeenCalled();
  });

  it("refuses a recording over the length limit with 413 audio_too_long, naming its length", async () => {
    const spy = vi.spyOn(env.AI, "run");
    const response = await upload(new TestClient(), wav(SPEECH_LIMITS.seconds + 10, 8000, 8));
    expect(response.status).toBe(413);
    const { error } = (await response.json()) as any;
    expect(error.code).toBe("audio_too_long");
    expect(error.message).toContain("130 seconds");
    expect(spy).not.toHaveBeenCalled();
  });

  it("refuses a body over the size limit with 413 too_large, and an empty one with 400", async () => {
    const spy = vi.spyOn(env.AI, "run");
    const big = new Uint8Array(SPEECH_LIMITS.uploadBytes + 1);
    big.set(wav(1).subarray(0, 44));
    const response = await upload(new TestClient(), big);
    expect(response.status).toBe(413);
    expect(((await response.json()) as any).error.code).toBe("too_large");
    expect((await upload(new TestClient(), new Uint8Array())).status).toBe(400);
    expect(spy).not.toHaveBeenCalled();
  });

  it("refuses an unknown model and a bad language code with 400", async () => {
    const spy = vi.spyOn(env.AI, "run");
    const unknown = await upload(new TestClient(), wav(1), "?model=%40cf%2Fopenai%2Fwhisper-huge");
    expect(unknown.status).toBe(400);
    expect(((await unknown.json()) as any).error.code).toBe("unknown_model");
    expect((await upload(new TestClient(), wav(1), "?language=English!")).status).toBe(400);
    expect(spy).not.toHaveBeenCalled();
  });

  it("reserves on the file's length and settles on the length Whisper measured", async () => {
    useAi(() => whisperAnswer("a long thought", 95));
    const client = new TestClient();
    await client.startGuest();
    const response = await upload(client, wav(60, 8000, 8));
    expect(response.status).toBe(200);
    const model = findTranscriptionModel(WHISPER)!;
    expect(await reservationsOf(client)).toEqual([{ reserved: transcriptionCost(model, 60), settled: transcriptionCost(model, 95) }]);
    expect(transcriptionCost(model, 60)).toBe(47); // 46.63 neurons a minute, rounded up
  });

  it("settles a failed call to 0 and says why in words", async () => {
    useAi(() => {
      throw bindingError(3040, "Capacity temporarily exceeded");
    });
    const client = new TestClient();
    await client.startGuest();
    const response = await upload(client, wav(2));
    expect(response.status).toBe(503);
    expect(((await response.json()) as any).error.code).toBe("capacity");
    expect((await reservationsOf(client)).map((r) => r.settled)).toEqual([0]);
  });

  it("is refused with budget_exhausted when the person's budget cannot cover the file's length, before the call", async () => {
    const spy = vi.spyOn(env.AI, "run");
    const client = new TestClient();
    await client.startGuest();
    const payer = { userId: client.userId!, person: { kind: "guest", owner: false } as const, address: "local" };
    await settle(env, await reserve(env, payer, 2000), 2000);
    const response = await upload(client, wav(10));
    expect(response.status).toBe(429);
    expect(((await response.json()) as any).error.code).toBe("budget_exhausted");
    expect(spy).not.toHaveBeenCalled();
  });

  it("is rate limited like the other model routes", async () => {
    const spy = vi.spyOn(env.AI, "run");
    vi.spyOn(env.USER_RATE_LIMITER, "limit").mockResolvedValue({ success: false });
    for (const response of [
      await upload(new TestClient(), wav(1)),
      await new TestClient().json("/api/audio/speech", "POST", { text: "Hello." }),
    ]) {
      expect(response.status).toBe(429);
      expect(response.headers.get("retry-after")).toBe("60");
    }
    expect(spy).not.toHaveBeenCalled();
  });
});

describe("POST /api/audio/speech", () => {
  it("sends MeloTTS (the default) { prompt, lang } and answers its base64 MP3 as audio/mpeg bytes, billed by the audio's length", async () => {
    const audio = mp3(3);
    const fake = useAi(() => ({ audio: toBase64(audio) }));
    const client = new TestClient();
    await client.startGuest();
    const response = await client.json("/api/audio/speech", "POST", { text: "The tide turns at noon." });
    expect(response.status, await response.clone().text()).toBe(200);
    expect(response.headers.get("content-type")).toBe("audio/mpeg");
    expect(new Uint8Array(await response.arrayBuffer())).toEqual(audio);
    expect(fake.calls[0]).toMatchObject({ model: MELO, inputs: { prompt: "The tide turns at noon.", lang: "en" } });
    const model = findSpeechModel(MELO)!;
    expect(await reservationsOf(client)).toEqual([{ reserved: speechCost(model, "The tide turns at noon."), settled: 1 }]);
  });

  it("sends Aura-2 { text, speaker } and passes its MP3 stream through; billed per character", async () => {
    const audio = mp3(1);
    const fake = useAi(() => new Response(audio).body);
    const client = new TestClient();
    await client.startGuest();
    const text = "x".repeat(500);
    const response = await client.json("/api/audio/speech", "POST", { text, model: AURA2, voice: "orion" });
    expect(response.status).toBe(200);
    expect(new Uint8Array(await response.arrayBuffer())).toEqual(audio);
    expect(fake.calls[0].inputs).toEqual({ text, speaker: "orion" });
    const cost = speechCost(findSpeechModel(AURA2)!, text);
    expect(cost).toBe(1364); // $0.03 per 1k characters at $0.011 per 1,000 neurons
    expect(await reservationsOf(client)).toEqual([{ reserved: cost, settled: cost }]);
  });

  it("labels WAV (the local engine's answer) as audio/wav, from the bytes", async () => {
    useAi(() => new Response(wav(1)).body);
    const response = await new TestClient().json("/api/audio/speech", "POST", { text: "Hi.", model: AURA2 });
    expect(response.headers.get("content-type")).toBe("audio/wav");
  });

  it("answers 502 when the model's bytes are not audio, and settles to 0", async () => {
    useAi(() => new Response("<html>oops</html>").body);
    const client = new TestClient();
    await client.startGuest();
    const response = await client.json("/api/audio/speech", "POST", { text: "Hi.", model: AURA2 });
    expect(response.status).toBe(502);
    expect((await reservationsOf(client)).map((r) => r.settled)).toEqual([0]);
  });

  it("refuses an unknown voice (naming the model's voices), empty or too long text, and unknown fields", async () => {
    const spy = vi.spyOn(env.AI, "run");
    const client = new TestClient();
    const voice = await client.json("/api/audio/speech", "POST", { text: "Hi.", model: AURA2, voice: "alloy" });
    expect(voice.status).toBe(400);
    expect(((await voice.json()) as any).error.message).toContain("luna");
    expect((await client.json("/api/audio/speech", "POST", { text: "  " })).status).toBe(400);
    expect((await client.json("/api/audio/speech", "POST", { text: "x".repeat(SPEECH_LIMITS.speechChars + 1) })).status).toBe(400);
    expect((await client.json("/api/audio/speech", "POST", { text: "Hi.", speed: 2 })).status).toBe(400);
    expect(spy).not.toHaveBeenCalled();
  });
});

describe("the REST backend (npm run dev, the local engine, the fake upstream)", () => {
  it("sends Whisper JSON and Nova-3 the raw audio with its type and the language as a query parameter", async () => {
    const requests: { url: string; type: string | null; body: Uint8Array }[] = [];
    const fetcher = vi.fn(async (input: RequestInfo | URL, init?: RequestInit) => {
      const request = new Request(input, init);
      requests.push({ url: request.url, type: request.headers.get("content-type"), body: new Uint8Array(await request.arrayBuffer()) });
      const nova = request.url.includes("nova-3");
      const result = nova ? { results: { channels: [{ alternatives: [{ transcript: "hi" }] }] } } : whisperAnswer("hi", 1);
      return Response.json({ success: true, result });
    });
    vi.spyOn(globalThis, "fetch").mockImplementation(fetcher as never);
    const client = new TestClient(undefined, undefined, appWith({ WORKERS_AI_REST_URL: "http://engine.test/client/v4/accounts/local/ai" }));
    const audio = wav(1);
    expect((await upload(client, audio, `?model=${encodeURIComponent(NOVA)}&language=en-GB`)).status).toBe(200);
    expect(requests[0].url).toBe("http://engine.test/client/v4/accounts/local/ai/run/@cf/deepgram/nova-3?language=en-GB");
    expect(requests[0].type).toBe("audio/wav");
    expect(requests[0].body).toEqual(audio);
    expect((await upload(client, audio)).status).toBe(200);
    expect(requests[1].type).toBe("application/json");
    expect(JSON.parse(new TextDecoder().decode(requests[1].body))).toEqual({ audio: toBase64(audio) });
  });
});
