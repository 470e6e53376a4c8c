import { AppError } from "../../contract/errors";
import type { SpeechAudioType, SpeechModel } from "../../contract/speech";
import type { AiBackend } from "../ai/backend";
import { modelFailure } from "../ai/model-errors";
import { audioLength } from "./duration";
import { sniffAudio } from "./sniff";

export interface SpokenAudio {
  bytes: Uint8Array;
  /** From the bytes: Workers AI's models make MP3, the local engine WAV; neither is taken on its word. */
  contentType: SpeechAudioType;
  /** How long it plays, read from the audio (MeloTTS is billed by it). */
  seconds: number;
}

/**
 * The model's inputs: Aura's `{ text, speaker }` (MP3 by default; 16-bit PCM in WAV when asked),
 * MeloTTS's `{ prompt, lang }` (MP3 only).
 */
export function speechInputs(model: SpeechModel, text: string, voice: string, wav = false): Record<string, string> {
  if (model.input === "melotts") return { prompt: text, lang: voice };
  return wav ? { text, speaker: voice, encoding: "linear16", container: "wav" } : { text, speaker: voice };
}

/**
 * One sentence (or short answer) read aloud through the model backend. Aura answers MP3 bytes (a
 * stream on the binding and over REST), MeloTTS `{ audio: base64 }`; both become bytes whose type
 * is read from them.
 */
export async function speak(
  backend: AiBackend,
  model: SpeechModel,
  text: string,
  voice: string,
  signal: AbortSignal,
  wav = false,
): Promise<SpokenAudio> {
  let output: unknown;
  try {
    output = await backend.binding.run(model.id, speechInputs(model, text, voice, wav), { signal });
  } catch (error) {
    throw modelFailure(error);
  }
  const bytes = await bytesOf(output);
  const format = sniffAudio(bytes);
  if (format !== "mp3" && format !== "wav") throw new AppError("upstream", "The speech model answered, but not with MP3 or WAV audio.");
  return { bytes, contentType: format === "mp3" ? "audio/mpeg" : "audio/wav", seconds: audioLength(bytes, format).seconds };
}

async function bytesOf(output: unknown): Promise<Uint8Array> {
  if (output instanceof ReadableStream) return new Uint8Array(await new Response(output).arrayBuffer());
  if (output instanceof Uint8Array) return output;
  if (output instanceof ArrayBuffer) return new Uint8Array(output);
  const audio = (output as { audio?: unknown } | null)?.audio;
  if (typeof audio === "string") {
    try {
      return Uint8Array.from(atob(audio.replace(/^data:[^,]*,/, "")), (ch) => ch.charCodeAt(0));
    } catch {
      throw new AppError("upstream", "The speech model's audio was not valid base64.");
    }
  }
  throw new AppError("upstream", "The speech model answered without audio.");
}

/** The voice asked for, if the model has it, else its default; an unknown voice is refused by name. */
export function chooseVoice(model: SpeechModel, voice: string | undefined): string {
  if (voice === undefined) return model.defaultVoice;
  if (model.voices.some((v) => v.id === voice)) return voice;
  throw new AppError(
    "bad_request",
    `${model.label} has no voice called ${voice}. Its voices: ${model.voices.map((v) => v.id).join(", ")}.`,
  );
}
