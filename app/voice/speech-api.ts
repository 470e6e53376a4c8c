import type { TranscriptionResponse } from "../../contract/speech";
import { ApiError, apiErrorFrom, apiFetch, UNREACHABLE } from "../api";

async function failed(response: Response): Promise<ApiError> {
  return apiErrorFrom(await response.text().catch(() => ""), response.status);
}

/** The recorded audio to text (the Worker sniffs the bytes' type, so no Content-Type is trusted or needed). */
export async function transcribe(audio: Blob, options: { model?: string; language?: string } = {}): Promise<TranscriptionResponse> {
  const query = new URLSearchParams();
  if (options.model) query.set("model", options.model);
  if (options.language) query.set("language", options.language);
  const qs = query.size ? `?${query}` : "";
  let response: Response;
  try {
    response = await apiFetch(`/api/audio/transcriptions${qs}`, {
      method: "POST",
      body: audio,
      headers: { "Content-Type": audio.type || "application/octet-stream" },
    });
  } catch {
    throw new ApiError(UNREACHABLE, 0);
  }
  if (!response.ok) throw await failed(response);
  return (await response.json()) as TranscriptionResponse;
}

/** One sentence read aloud: the audio's bytes (MP3 from Workers AI, WAV from the local engine). */
export async function synthesize(text: string, choice: { model?: string; voice?: string }, signal?: AbortSignal): Promise<ArrayBuffer> {
  let response: Response;
  try {
    response = await apiFetch("/api/audio/speech", {
      method: "POST",
      headers: { "Content-Type": "application/json" },
      body: JSON.stringify({ text, ...(choice.model ? { model: choice.model } : {}), ...(choice.voice ? { voice: choice.voice } : {}) }),
      signal,
    });
  } catch (e) {
    if (signal?.aborted) throw e;
    throw new ApiError(UNREACHABLE, 0);
  }
  if (!response.ok) throw await failed(response);
  return response.arrayBuffer();
}
