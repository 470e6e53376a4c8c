import { type SpeechModel, type TranscriptionModel, speechCost, transcriptionCost } from "../../contract/speech";
import type { AiBackend } from "../ai/backend";
import { log } from "../log";
import { type SpokenAudio, speak } from "./speak";
import { type Transcript, transcribe } from "./transcribe";
import type { CheckedAudio } from "./upload";

/** Reserves a call's worst case and hands back how to settle it (the app's pages and /v1 each reserve their own way). */
export type Admit = (neurons: number) => Promise<{ settle(neurons: number): Promise<void> }>;

export interface AudioCallContext {
  backend: AiBackend;
  signal: AbortSignal;
  admit: Admit;
}

/**
 * Transcription reserved on the length read from the file and settled on the length the model
 * measured (what Workers AI bills); a failed call settles to 0. Nothing is stored.
 */
export async function billedTranscription(
  ctx: AudioCallContext,
  model: TranscriptionModel,
  audio: CheckedAudio,
  language: string | undefined,
): Promise<Transcript> {
  const spend = await ctx.admit(transcriptionCost(model, audio.seconds));
  const started = Date.now();
  let transcript: Transcript;
  try {
    transcript = await transcribe(ctx.backend, model, audio, language, ctx.signal);
  } catch (error) {
    await spend.settle(0);
    throw error;
  }
  await spend.settle(transcriptionCost(model, transcript.seconds));
  log("audio.transcribed", {
    model: model.id,
    format: audio.format,
    bytes: audio.bytes.byteLength,
    seconds: transcript.seconds,
    ms: Date.now() - started,
  });
  return transcript;
}

/**
 * Speech reserved on its text's price and settled on it, or, for a model billed per minute of
 * audio (MeloTTS), on the length of the audio it made. A failed call settles to 0.
 */
export async function billedSpeech(
  ctx: AudioCallContext,
  model: SpeechModel,
  text: string,
  voice: string,
  wav = false,
): Promise<SpokenAudio> {
  const spend = await ctx.admit(speechCost(model, text));
  const started = Date.now();
  let audio: SpokenAudio;
  try {
    audio = await speak(ctx.backend, model, text, voice, ctx.signal, wav);
  } catch (error) {
    await spend.settle(0);
    throw error;
  }
  const neurons = model.price.per === "audio-minute" ? Math.ceil((audio.seconds / 60) * model.price.neurons) : speechCost(model, text);
  await spend.settle(neurons);
  log("audio.spoken", { model: model.id, chars: text.length, bytes: audio.bytes.byteLength, ms: Date.now() - started });
  return audio;
}
