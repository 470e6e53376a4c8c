import type { Context } from "hono";
import { z } from "zod";
import { DEFAULT_SPEECH_MODEL, findSpeechModel, SPEECH_LIMITS } from "../../contract/speech";
import { resolveAiBackend } from "../ai/backend";
import { billedSpeech } from "../audio/billed";
import { chooseVoice } from "../audio/speak";
import type { AppEnv } from "../http/app-types";
import { readOpenAiBody } from "./body";
import { ParamError } from "./errors";
import { admitSpend } from "./spend";

/** OpenAI's model and voice names, which tools send by default: the catalog's default model and each model's default voice answer them. */
const OPENAI_MODELS = new Set(["tts-1", "tts-1-hd", "gpt-4o-mini-tts"]);
const OPENAI_VOICES = new Set(["alloy", "ash", "ballad", "coral", "echo", "fable", "nova", "onyx", "sage", "shimmer", "verse"]);

const speechSchema = z.object({
  model: z.string().min(1).max(200),
  input: z
    .string()
    .trim()
    .min(1, "Write the text to read")
    .max(
      SPEECH_LIMITS.speechChars,
      `At most ${SPEECH_LIMITS.speechChars} characters per request: send one sentence or paragraph at a time`,
    ),
  voice: z.union([z.string().min(1).max(40), z.object({ id: z.string().min(1).max(40) })]).optional(),
  response_format: z.enum(["mp3", "wav"], 'response_format is "mp3" or "wav" here').nullish(),
  speed: z.literal(1, "The speech models read at their own speed: leave speed out or send 1").nullish(),
  stream_format: z.literal("audio", 'Only stream_format "audio" is supported').nullish(),
});

/**
 * POST /v1/audio/speech: OpenAI's `{ model, input, voice, response_format }` answered with the
 * audio bytes. Workers AI's models make MP3 (Aura can make WAV, MeloTTS cannot); the local engine
 * makes WAV whatever is asked, and the Content-Type always says what the bytes are.
 */
export async function audioSpeech(c: Context<AppEnv>): Promise<Response> {
  const request = await readOpenAiBody(c, speechSchema, 64_000);
  const model = findSpeechModel(OPENAI_MODELS.has(request.model) ? DEFAULT_SPEECH_MODEL : request.model);
  if (!model)
    throw new ParamError("model", `There is no speech model called ${request.model}. GET /v1/models lists them.`, "unknown_model");
  const wav = request.response_format === "wav";
  if (wav && model.input === "melotts") throw new ParamError("response_format", `${model.id} makes MP3 only.`);
  const asked = typeof request.voice === "object" ? request.voice.id : request.voice;
  let voice: string;
  try {
    voice = chooseVoice(model, asked === undefined || OPENAI_VOICES.has(asked) ? undefined : asked);
  } catch (error) {
    throw new ParamError("voice", (error as Error).message);
  }
  const ctx = {
    backend: resolveAiBackend(c.env),
    signal: c.req.raw.signal,
    admit: (neurons: number) => admitSpend(c, neurons, { kind: "voice", model: model.id }),
  };
  const spoken = await billedSpeech(ctx, model, request.input, voice, wav);
  return c.body(spoken.bytes as Uint8Array<ArrayBuffer>, 200, {
    "content-type": spoken.contentType,
    "content-length": String(spoken.bytes.byteLength),
  });
}
