import { createExecutionContext, waitOnExecutionContext } from "cloudflare:test";
import { env } from "cloudflare:workers";
import { afterEach, describe, expect, it, vi } from "vitest";
import { findTranscriptionModel, SPEECH_CATALOG, transcriptionCost } from "../../contract/speech";
import app from "../index";
import { mp3, oggOpus, toBase64, wav, webm } from "../test/audio-fixtures";
import { personWithKey, usageOf, v1 } from "../test/openai-client";
import { type RecordedCall, recordedRun } from "../test/recorded-ai";

const WHISPER = "@cf/openai/whisper-large-v3-turbo";
const AURA2 = "@cf/deepgram/aura-2-en";
const MELO = "@cf/myshell-ai/melotts";

function useAi(answer: (call: RecordedCall) => unknown | Promise<unknown>) {
  const fake = recordedRun(answer);
  vi.spyOn(env.AI, "run").mockImplementation(fake.run as never);
  return fake;
}

afterEach(() => vi.restoreAllMocks());

const whisperAnswer = {
  text: " Hello there. General Kenobi.",
  segments: [
    { start: 0, end: 1.2, text: " Hello there." },
    { start: 1.2, end: 2.5, text: " General Kenobi." },
  ],
  vtt: "WEBVTT\n\n00:00.000 --> 00:01.200\nHello there.\n\n00:01.200 --> 00:02.500\nGeneral Kenobi.\n",
  transcription_info: { language: "en", duration: 2.5 },
};

/** A multipart /v1/audio/transcriptions call, as the openai SDK makes it. */
async function transcribe(key: string | undefined, fields: Record<string, string | Blob>) {
  const form = new FormData();
  for (const [name, value] of Object.entries(fields)) form.append(name, value);
  const ctx = createExecutionContext();
  const response = await app.fetch(
    new Request("http://app.test/v1/audio/transcriptions", {
      method: "POST",
      headers: key ? { authorization: `Bearer ${key}` } : {},
      body: form,
    }),
    env,
    ctx,
  );
  const text = await response.text();
  await waitOnExecutionContext(ctx);
  return { response, text };
}

const file = (bytes: Uint8Array, name = "speech.webm", type = "audio/webm") => new File([bytes], name, { type });

describe("POST /v1/audio/transcriptions", () => {
  it("answers each response_format in OpenAI's shape", async () => {
    useAi(() => whisperAnswer);
    const { key } = await personWithKey();
    const audio = file(wav(2.5), "speech.mp3", "audio/mpeg"); // the name and type lie; the bytes decide

    const json = await transcribe(key, { file: audio, model: WHISPER });
    expect(json.response.status, json.text).toBe(200);
    expect(JSON.parse(json.text)).toEqual({ text: "Hello there. General Kenobi.", usage: { type: "duration", seconds: 3 } });

    const text = await transcribe(key, { file: audio, model: WHISPER, response_format: "text" });
    expect(text.response.headers.get("content-type")).toMatch(/^text\/plain/);
    expect(text.text).toBe("Hello there. General Kenobi.");

    const verbose = JSON.parse((await transcribe(key, { file: audio, model: WHISPER, response_format: "verbose_json" })).text);
    expect(verbose).toMatchObject({ task: "transcribe", language: "en", duration: 2.5, text: "Hello there. General Kenobi." });
    expect(verbose.segments).toEqual([
      { id: 0, seek: 0, start: 0, end: 1.2, text: " Hello there." },
      { id: 1, seek: 0, start: 1.2, end: 2.5, text: " General Kenobi." },
    ]);

    const vtt = await transcribe(key, { file: audio, model: WHISPER, response_format: "vtt" });
    expect(vtt.response.headers.get("content-type")).toMatch(/^text\/vtt/);
    expect(vtt.text).toBe(whisperAnswer.vtt);

    const srt = await transcribe(key, { file: audio, model: WHISPER, response_format: "srt" });
    expect(srt.text).toBe("1\n00:00:00,000 --> 00:00:01,200\nHello there.\n\n2\n00:00:01,200 --> 00:00:02,500\nGeneral Kenobi.\n");
  });

  it("takes OpenAI's whisper-1 as the catalog's Whisper, bills the key's owner, and needs a key", async () => {
    const fake = useAi(() => whisperAnswer);
    const { key, userId } = await personWithKey();
    const { response } = await transcribe(key, { file: file(webm(2)), model: "whisper-1", language: "en" });
    expect(response.status).toBe(200);
    expect(fake.calls[0]).toMatchObject({ model: WHISPER, inputs: { language: "en" } });
    expect(await usageOf(userId)).toBe(transcriptionCost(findTranscriptionModel(WHISPER)!, 2.5));
    expect((await transcribe(undefined, { file: file(webm(2)), model: "whisper-1" })).response.status).toBe(401);
    expect(fake.calls).toHaveLength(1);
  });

  it("refuses in OpenAI's error shape, naming the param: not audio, no file, unknown model or format, unknown field", async () => {
    const spy = vi.spyOn(env.AI, "run");
    const { key } = await personWithKey();
    const cases: [Record<string, string | Blob>, number, string | null, string][] = [
      [{ file: file(new TextEncoder().encode("not audio")), model: WHISPER }, 415, null, "unsupported_audio"],
      [{ model: WHISPER }, 400, "file", "invalid_request_error"],
      [{ file: file(oggOpus(1)), model: "@cf/openai/whisper-huge" }, 404, "model", "model_not_found"],
      [{ file: file(oggOpus(1)), model: WHISPER, response_format: "docx" }, 400, "response_format", "invalid_request_error"],
      [{ file: file(oggOpus(1)), model: WHISPER, prompt: "names: Kenobi" }, 400, "prompt", "invalid_request_error"],
      [{ file: file(oggOpus(200)), model: WHISPER }, 413, null, "audio_too_long"],
    ];
    for (const [fields, status, param, code] of cases) {
      const { response, text } = await transcribe(key, fields);
      expect(response.status, text).toBe(status);
      expect(JSON.parse(text).error).toMatchObject({ param, code });
    }
    expect(spy).not.toHaveBeenCalled();
  });
});

describe("POST /v1/audio/speech", () => {
  it("answers the audio bytes; OpenAI's tts-1 and voice names mean the default model and its default voice", async () => {
    const audio = mp3(2);
    const fake = useAi(() => ({ audio: toBase64(audio) }));
    const { key } = await personWithKey();
    const { response } = await v1("/audio/speech", key, { body: { model: "tts-1", input: "Hello there.", voice: "alloy" } });
    expect(response.status).toBe(200);
    expect(response.headers.get("content-type")).toBe("audio/mpeg");
    expect(fake.calls[0]).toMatchObject({ model: MELO, inputs: { prompt: "Hello there.", lang: "en" } });
  });

  it("asks Aura for WAV when response_format is wav, and refuses WAV from MeloTTS, an unknown voice and a speed", async () => {
    const fake = useAi(() => new Response(wav(1)).body);
    const { key } = await personWithKey();
    const ok = await v1("/audio/speech", key, { body: { model: AURA2, input: "Hi.", voice: "thalia", response_format: "wav" } });
    expect(ok.response.headers.get("content-type")).toBe("audio/wav");
    expect(fake.calls[0].inputs).toEqual({ text: "Hi.", speaker: "thalia", encoding: "linear16", container: "wav" });
    for (const [body, param] of [
      [{ model: MELO, input: "Hi.", voice: "en", response_format: "wav" }, "response_format"],
      [{ model: AURA2, input: "Hi.", voice: "hal9000" }, "voice"],
      [{ model: AURA2, input: "Hi.", voice: "luna", speed: 1.5 }, "speed"],
      [{ model: AURA2, input: "Hi.", voice: "luna", response_format: "opus" }, "response_format"],
    ] as const) {
      const { response, json } = await v1("/audio/speech", key, { body });
      expect(response.status).toBe(400);
      expect(json.error.param).toBe(param);
    }
    expect(fake.calls).toHaveLength(1);
  });
});

describe("GET /v1/models", () => {
  it("lists the speech catalog", async () => {
    const { key } = await personWithKey();
    const ids = (await v1("/models", key)).json.data.map((m: { id: string }) => m.id);
    for (const m of SPEECH_CATALOG) expect(ids).toContain(m.id);
  });
});
