import { AppError } from "../../contract/errors";
import { AUDIO_MIME, type AudioFormat, SPEECH_LIMITS } from "../../contract/speech";
import { audioLength } from "./duration";
import { sniffAudio } from "./sniff";

export interface CheckedAudio {
  bytes: Uint8Array;
  format: AudioFormat;
  /** Its MIME type, from the sniffed format (what Nova-3 is told), never from the request. */
  mimeType: string;
  /** As read from the container, or the size bound (duration.ts); what is reserved before the call. */
  seconds: number;
}

export const TOO_LARGE_AUDIO = `The recording is larger than ${SPEECH_LIMITS.uploadBytes / 1024 / 1024} MB, the most this app accepts. Record a shorter one.`;

/** An upload's bytes held to the limits: audio in a known container, within the length limit. */
export function checkAudio(bytes: Uint8Array): CheckedAudio {
  if (bytes.byteLength === 0) throw new AppError("bad_request", "The request carried no audio. Send the recording as the request body.");
  if (bytes.byteLength > SPEECH_LIMITS.uploadBytes) throw new AppError("too_large", TOO_LARGE_AUDIO);
  const format = sniffAudio(bytes);
  if (!format) throw new AppError("unsupported_audio");
  const length = audioLength(bytes, format);
  if (length.seconds > SPEECH_LIMITS.seconds) {
    const found = length.source === "container" ? `${Math.round(length.seconds)} seconds long` : "too long to be sure it fits";
    throw new AppError(
      "audio_too_long",
      `The recording is ${found}; the most this app transcribes at once is ${SPEECH_LIMITS.seconds / 60} minutes. Record a shorter one.`,
    );
  }
  return { bytes, format, mimeType: AUDIO_MIME[format], seconds: length.seconds };
}
