import { existsSync, readFileSync } from "node:fs";
import type { ServerResponse } from "node:http";
import { basename, dirname, join, resolve } from "node:path";
import { LOCAL_ENGINE_NO_SPEECH_MODEL } from "../../contract/local-engine";
import { SPEECH_CATALOG } from "../../contract/speech";
import { downloadHubModel } from "../embeddings/download";
import { terminalProgress } from "../embeddings/progress-bar";
import { CODES, EngineError } from "../errors";
import { sendError, sendJson } from "../run";
import { defaultCacheDir } from "../text/registry";
import { espeakVoiceFor, synthesize } from "./synthesize";
import { opusToMono16k } from "./opus";
import { WHISPER_RATE, wavToMono16k } from "./wav";

const KIND = new Map(SPEECH_CATALOG.map((m) => [m.id, m.kind]));

/**
 * The real Whisper downloaded when nothing is configured and the engine may download: OpenAI's
 * whisper-base as transformers.js exports it, 8-bit quantized (about 80 MB), multilingual.
 */
export const WHISPER_HUB_REPO = "onnx-community/whisper-base";
export const WHISPER_HUB_FILES = [
  "config.json",
  "generation_config.json",
  "preprocessor_config.json",
  "tokenizer.json",
  "tokenizer_config.json",
  "onnx/encoder_model_quantized.onnx",
  "onnx/decoder_model_merged_quantized.onnx",
] as const;

type Recognizer = (audio: Float32Array, options: Record<string, unknown>) => Promise<{ text: string }>;

export interface SpeechOptions {
  /** A transformers.js Whisper folder (default env LOCAL_WHISPER_MODEL_DIR). */
  whisperModelDir?: string;
  cacheDir?: string;
  /** Hub to download from (default env LOCAL_WHISPER_HUB_URL, else huggingface.co). */
  hubUrl?: string;
  download?: boolean;
}

/**
 * The local engine's answer to Workers AI's speech models. Speech: eSpeak NG (WebAssembly) for
 * Aura and MeloTTS, answering WAV (Aura's binary body; MeloTTS's `{ audio: base64 }`), since no
 * MP3 encoder ships offline; the Worker reads the type from the bytes. Transcription: a Whisper
 * pipeline from transformers.js for both Whisper (`{ audio: base64 }`) and Nova-3 (the raw audio
 * body), answering each one's own shape. It reads WAV (wav.ts) and Opus in WebM or Ogg (opus.ts), what
 * browsers record; Workers AI also takes MP3, MP4 and FLAC, which the engine refuses in words.
 */
export function createSpeechCapability(options: SpeechOptions = {}) {
  const configured = options.whisperModelDir ?? process.env.LOCAL_WHISPER_MODEL_DIR;
  const modelDir = configured ? resolve(configured) : undefined;
  const hub = options.hubUrl ?? (process.env.LOCAL_WHISPER_HUB_URL || "https://huggingface.co");
  const cachedDir = join(resolve(options.cacheDir ?? defaultCacheDir()), "speech", ...WHISPER_HUB_REPO.split("/"));
  const mayDownload = options.download !== false;
  let download: Promise<void> | undefined;
  let percent: number | undefined;
  let failure: string | undefined;
  let loading: Promise<{ dir: string; recognize: Recognizer; multilingual: boolean }> | undefined;

  const folder = async (): Promise<string> => {
    if (modelDir) {
      if (!existsSync(join(modelDir, "config.json")))
        throw noSpeechModel(`The local engine has no transcription model: ${modelDir} has no config.json.`);
      return modelDir;
    }
    if (existsSync(join(cachedDir, "config.json"))) return cachedDir;
    if (!mayDownload)
      throw noSpeechModel("The local engine has no transcription model: LOCAL_WHISPER_MODEL_DIR is not set and downloading is off.");
    download ??= (async () => {
      const bar = terminalProgress(`Transcription model ${WHISPER_HUB_REPO}`);
      percent = 0;
      failure = undefined;
      try {
        await downloadHubModel({
          hub,
          repo: WHISPER_HUB_REPO,
          files: WHISPER_HUB_FILES,
          target: cachedDir,
          onProgress: (done, total) => {
            if (total) percent = (done / total) * 100;
            bar.update(done, total);
          },
        });
        bar.end(`ready in ${cachedDir}`);
      } catch (error) {
        failure = `Could not download ${WHISPER_HUB_REPO} from ${hub} (${(error as Error).message}): the engine is offline or the hub is unreachable.`;
        bar.end(failure);
        throw noSpeechModel(`${failure} What arrived is kept and the next request resumes it.`);
      } finally {
        download = undefined;
        percent = undefined;
      }
    })();
    await download;
    return cachedDir;
  };

  const recognizer = () => {
    loading ??= (async () => {
      const dir = await folder();
      const { env, pipeline } = await import("@huggingface/transformers");
      env.allowRemoteModels = false;
      env.allowLocalModels = true;
      env.localModelPath = dirname(dir);
      const dtype = existsSync(join(dir, "onnx", "encoder_model.onnx")) ? "fp32" : "q8";
      const recognize = (await pipeline("automatic-speech-recognition", basename(dir), { dtype })) as unknown as Recognizer;
      const generation = JSON.parse(readFileSync(join(dir, "generation_config.json"), "utf8")) as { is_multilingual?: boolean };
      return { dir, recognize, multilingual: generation.is_multilingual !== false };
    })().catch((error: unknown) => {
      loading = undefined;
      throw error instanceof EngineError ? error : noSpeechModel(`Could not load the transcription model (${(error as Error).message}).`);
    });
    return loading;
  };

  const transcribe = async (model: string, contentType: string, body: Buffer, query: URLSearchParams, res: ServerResponse) => {
    let audio: Buffer;
    let language: string | undefined;
    if (model.includes("whisper")) {
      const input = parseJsonBody(body) as { audio?: unknown; language?: unknown };
      if (typeof input.audio === "string") audio = Buffer.from(input.audio, "base64");
      else if (Array.isArray(input.audio)) audio = Buffer.from(input.audio as number[]);
      else throw new EngineError(CODES.invalidData, 400, "`audio` must be the audio file, base64-encoded.");
      if (typeof input.language === "string") language = input.language;
    } else {
      if (contentType.includes("json")) throw new EngineError(CODES.invalidData, 400, "Send the audio itself as the body, with its type.");
      audio = body;
      language = query.get("language") ?? undefined;
    }
    const samples = wavToMono16k(audio) ?? (await opusToMono16k(audio));
    if (!samples)
      throw new EngineError(
        CODES.invalidData,
        400,
        "The local engine transcribes WAV (PCM or float) and Opus in WebM or Ogg, what browsers record. Workers AI also reads MP3, MP4 and FLAC.",
      );
    const { dir, recognize, multilingual } = await recognizer();
    const seconds = samples.length / WHISPER_RATE;
    const languageCode = language?.split("-")[0];
    const result = await recognize(samples, {
      ...(seconds > 30 ? { chunk_length_s: 30 } : {}),
      ...(multilingual ? { language: languageCode ?? "en", task: "transcribe" } : {}),
    });
    const text = result.text.trim();
    res.setHeader("x-local-engine-model", basename(dir));
    if (model.includes("whisper")) {
      const stamp = (s: number) => new Date(s * 1000).toISOString().slice(14, 23);
      return sendJson(res, 200, {
        result: {
          text,
          word_count: text ? text.split(/\s+/).length : 0,
          segments: [{ start: 0, end: seconds, text }],
          vtt: `WEBVTT\n\n${stamp(0)} --> ${stamp(seconds)}\n${text}\n`,
          transcription_info: { language: multilingual ? (languageCode ?? "en") : "en", duration: seconds },
        },
        success: true,
        errors: [],
        messages: [],
      });
    }
    sendJson(res, 200, {
      result: { metadata: { duration: seconds }, results: { channels: [{ alternatives: [{ transcript: text, confidence: 1 }] }] } },
      success: true,
      errors: [],
      messages: [],
    });
  };

  const speak = async (model: string, body: Buffer, res: ServerResponse) => {
    const input = parseJsonBody(body) as { text?: unknown; prompt?: unknown; speaker?: unknown; lang?: unknown };
    const text = model.includes("melotts") ? input.prompt : input.text;
    if (typeof text !== "string" || !text.trim())
      throw new EngineError(CODES.invalidData, 400, `\`${model.includes("melotts") ? "prompt" : "text"}\` must be non-empty text.`);
    const voice = model.includes("melotts") ? input.lang : input.speaker;
    const wav = await synthesize(text, espeakVoiceFor(model, typeof voice === "string" ? voice : undefined));
    res.setHeader("x-local-engine-model", "espeak-ng");
    if (model.includes("melotts"))
      return sendJson(res, 200, { result: { audio: wav.toString("base64") }, success: true, errors: [], messages: [] });
    res.writeHead(200, { "content-type": "audio/wav", "content-length": String(wav.length) });
    res.end(wav);
  };

  return {
    handles: (model: string) => KIND.has(model),

    async run(model: string, request: { contentType: string; body: Buffer; query: URLSearchParams }, res: ServerResponse) {
      try {
        if (KIND.get(model) === "speech") await speak(model, request.body, res);
        else await transcribe(model, request.contentType, request.body, request.query, res);
      } catch (error) {
        if (res.headersSent) return void res.end();
        if (error instanceof EngineError) return sendError(res, error);
        throw error;
      }
    },

    status() {
      const dir = modelDir ?? (existsSync(join(cachedDir, "config.json")) ? cachedDir : undefined);
      return {
        synthesis: "espeak-ng",
        ready: Boolean(dir && existsSync(join(dir, "config.json"))),
        ...(dir ? { model: basename(dir) } : {}),
        ...(percent !== undefined ? { downloading: { model: WHISPER_HUB_REPO, percent } } : {}),
        ...(failure
          ? { problem: failure }
          : !dir && percent === undefined
            ? {
                problem: mayDownload
                  ? `No transcription model yet: the first transcription downloads ${WHISPER_HUB_REPO} from ${hub}.`
                  : noSpeechModel("The local engine has no transcription model.").message,
              }
            : {}),
      };
    },
  };
}

function parseJsonBody(body: Buffer): unknown {
  try {
    return JSON.parse(body.toString("utf8"));
  } catch {
    throw new EngineError(CODES.invalidData, 400, "The request body is not valid JSON.");
  }
}

/** Why there is no transcription, with what a person does about it (HTTP 503, code 9905). */
export function noSpeechModel(reason: string): EngineError {
  return new EngineError(
    LOCAL_ENGINE_NO_SPEECH_MODEL,
    503,
    `${reason} Ask again while online and the engine downloads ${WHISPER_HUB_REPO}; or download a transformers.js Whisper model (see engine/speech/README.md), set LOCAL_WHISPER_MODEL_DIR to its folder and restart \`npm run dev\`.`,
  );
}
