import { AppError } from "../../contract/errors";
import type { TranscriptionModel } from "../../contract/speech";
import type { AiBackend } from "../ai/backend";
import { modelFailure } from "../ai/model-errors";
import type { CheckedAudio } from "./upload";

/** What every transcription model's answer becomes; the optional parts are Whisper's. */
export interface Transcript {
  text: string;
  /** As the model measured the audio, else as read from the file. */
  seconds: number;
  language?: string;
  segments?: { start: number; end: number; text: string }[];
  vtt?: string;
}

/**
 * One transcription through the model backend (the AI binding, or the REST binding under dev and the
 * local engine). Whisper takes base64 in JSON; Nova-3 takes the bytes themselves with their type,
 * which the binding wants as `audio: { body, contentType }` and REST as the raw request body.
 */
export async function transcribe(
  backend: AiBackend,
  model: TranscriptionModel,
  audio: CheckedAudio,
  language: string | undefined,
  signal: AbortSignal,
): Promise<Transcript> {
  let output: unknown;
  try {
    if (model.input === "base64-json") {
      output = await backend.binding.run(model.id, { audio: toBase64(audio.bytes), ...(language ? { language } : {}) }, { signal });
    } else if (backend.transport === "binding") {
      const inputs = {
        audio: { body: audio.bytes, contentType: audio.mimeType },
        ...(language ? { language } : { detect_language: true }),
      };
      output = await backend.binding.run(model.id, inputs, { signal });
    } else {
      // The REST binding sends a `multipart` input's body as it is, with its type: here the audio file.
      const query = language ? { language } : { detect_language: true };
      output = await backend.binding.run(model.id, { multipart: { body: audio.bytes, contentType: audio.mimeType } }, {
        signal,
        ...query,
      } as never);
    }
  } catch (error) {
    throw modelFailure(error);
  }
  return model.input === "base64-json" ? fromWhisper(output, audio.seconds) : fromDeepgram(output, audio.seconds);
}

interface WhisperOutput {
  text?: unknown;
  segments?: { start?: number; end?: number; text?: string }[];
  vtt?: unknown;
  transcription_info?: { language?: string; duration?: number };
}

function fromWhisper(output: unknown, fileSeconds: number): Transcript {
  const o = output as WhisperOutput | null;
  if (typeof o?.text !== "string") throw new AppError("upstream", "The transcription model answered without text.");
  const measured = o.transcription_info?.duration;
  return {
    text: o.text.trim(),
    seconds: typeof measured === "number" && measured >= 0 ? measured : fileSeconds,
    ...(o.transcription_info?.language ? { language: o.transcription_info.language } : {}),
    ...(Array.isArray(o.segments)
      ? { segments: o.segments.map((s) => ({ start: Number(s.start ?? 0), end: Number(s.end ?? 0), text: String(s.text ?? "") })) }
      : {}),
    ...(typeof o.vtt === "string" ? { vtt: o.vtt } : {}),
  };
}

interface DeepgramOutput {
  metadata?: { duration?: number };
  results?: { channels?: { alternatives?: { transcript?: string }[]; detected_language?: string }[] };
}

function fromDeepgram(output: unknown, fileSeconds: number): Transcript {
  const o = output as DeepgramOutput | null;
  const channel = o?.results?.channels?.[0];
  const text = channel?.alternatives?.[0]?.transcript;
  if (typeof text !== "string") throw new AppError("upstream", "The transcription model answered without a transcript.");
  const measured = o?.metadata?.duration;
  return {
    text: text.trim(),
    seconds: typeof measured === "number" && measured >= 0 ? measured : fileSeconds,
    ...(channel?.detected_language ? { language: channel.detected_language } : {}),
  };
}

export function toBase64(bytes: Uint8Array): string {
  let binary = "";
  for (let i = 0; i < bytes.length; i += 0x8000) binary += String.fromCharCode(...bytes.subarray(i, i + 0x8000));
  return btoa(binary);
}
