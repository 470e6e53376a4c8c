import { type Context, Hono } from "hono";
import { AppError } from "../../contract/errors";
import {
  DEFAULT_SPEECH_MODEL,
  DEFAULT_TRANSCRIPTION_MODEL,
  findSpeechModel,
  findTranscriptionModel,
  speechRequestSchema,
  SPEECH_LIMITS,
  type TranscriptionResponse,
  transcriptionQuerySchema,
} from "../../contract/speech";
import { resolveAiBackend } from "../ai/backend";
import type { AppEnv } from "../http/app-types";
import { readLimited } from "../http/read-limited";
import { parseWith, readJson } from "../http/validate";
import { requestPayer } from "../spend/request-payer";
import { reserve, settle } from "../spend/spend";
import { type Admit, billedSpeech, billedTranscription } from "./billed";
import { chooseVoice } from "./speak";
import { checkAudio, TOO_LARGE_AUDIO } from "./upload";

/**
 * Dictation and read-aloud for the app's own pages. Rate limited with the other model routes
 * (worker/index.ts), reserved and settled against the person's budget, and never stored: the audio
 * and the text pass through this request and are gone when it ends.
 */
export const audio = new Hono<AppEnv>()
  .post("/transcriptions", async (c) => {
    const query = parseWith(transcriptionQuerySchema, c.req.query());
    const modelId = query.model ?? DEFAULT_TRANSCRIPTION_MODEL;
    const model = findTranscriptionModel(modelId);
    if (!model) throw new AppError("unknown_model", `There is no transcription model called ${modelId}. Pick one from the list.`);
    const bytes = await readLimited(c.req.raw.body, c.req.header("content-length"), SPEECH_LIMITS.uploadBytes, TOO_LARGE_AUDIO);
    const checked = checkAudio(bytes);
    const ctx = { backend: resolveAiBackend(c.env), signal: c.req.raw.signal, admit: admitFor(c, model.id) };
    const transcript = await billedTranscription(ctx, model, checked, query.language);
    return c.json({ text: transcript.text, seconds: transcript.seconds, model: model.id } satisfies TranscriptionResponse);
  })
  .post("/speech", async (c) => {
    const request = await readJson(c, speechRequestSchema, 64_000);
    const modelId = request.model ?? DEFAULT_SPEECH_MODEL;
    const model = findSpeechModel(modelId);
    if (!model) throw new AppError("unknown_model", `There is no speech model called ${modelId}. Pick one from the list.`);
    const voice = chooseVoice(model, request.voice);
    const ctx = { backend: resolveAiBackend(c.env), signal: c.req.raw.signal, admit: admitFor(c, model.id) };
    const spoken = await billedSpeech(ctx, model, request.text, voice);
    return c.body(spoken.bytes as Uint8Array<ArrayBuffer>, 200, {
      "content-type": spoken.contentType,
      "content-length": String(spoken.bytes.byteLength),
    });
  });

function admitFor(c: Context<AppEnv>, model: string): Admit {
  return async (neurons) => {
    const reservation = await reserve(c.env, { ...requestPayer(c), use: { kind: "voice", model } }, neurons);
    return { settle: (actual) => settle(c.env, reservation, actual) };
  };
}
