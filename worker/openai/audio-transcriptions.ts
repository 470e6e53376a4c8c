import type { Context } from "hono";
import { AppError } from "../../contract/errors";
import { DEFAULT_TRANSCRIPTION_MODEL, findTranscriptionModel, SPEECH_LIMITS } from "../../contract/speech";
import { resolveAiBackend } from "../ai/backend";
import { billedTranscription } from "../audio/billed";
import type { Transcript } from "../audio/transcribe";
import { checkAudio, TOO_LARGE_AUDIO } from "../audio/upload";
import type { AppEnv } from "../http/app-types";
import { readLimited } from "../http/read-limited";
import { ParamError } from "./errors";
import { admitSpend } from "./spend";

/** OpenAI's own model names, which tools send by default: the catalog's default Whisper answers them. */
const OPENAI_ALIASES = new Set(["whisper-1", "gpt-4o-transcribe", "gpt-4o-mini-transcribe"]);
const FORMATS = ["json", "text", "verbose_json", "vtt", "srt"] as const;
type Format = (typeof FORMATS)[number];
/** Fields OpenAI defines that change nothing here; any other field is refused by name. */
const IGNORED = new Set(["temperature", "stream"]);
const KNOWN = new Set(["file", "model", "language", "response_format", ...IGNORED]);
const FORM_OVERHEAD = 64 * 1024;

/**
 * POST /v1/audio/transcriptions: OpenAI's multipart upload (`file`, `model`, `language`,
 * `response_format`), answered in its shapes. The file's type is sniffed like the app's own upload,
 * held to the same limits, reserved and settled the same way, and never stored.
 */
export async function audioTranscriptions(c: Context<AppEnv>): Promise<Response> {
  const form = await readForm(c);
  for (const key of form.keys()) if (!KNOWN.has(key)) throw new ParamError(key, `${key} is not supported by this API.`);
  const file = form.get("file");
  if (!file || typeof file === "string") throw new ParamError("file", "Send the audio file in the `file` field.");
  const requested = stringField(form, "model");
  if (!requested) throw new ParamError("model", "Name a model, e.g. @cf/openai/whisper-large-v3-turbo.");
  const model = findTranscriptionModel(OPENAI_ALIASES.has(requested) ? DEFAULT_TRANSCRIPTION_MODEL : requested);
  if (!model)
    throw new ParamError("model", `There is no transcription model called ${requested}. GET /v1/models lists them.`, "unknown_model");
  const format = (stringField(form, "response_format") ?? "json") as Format;
  if (!FORMATS.includes(format)) throw new ParamError("response_format", `response_format is one of ${FORMATS.join(", ")}.`);
  const language = stringField(form, "language");
  if (language !== undefined && !/^[a-z]{2,3}(-[A-Za-z0-9]{2,4})?$/.test(language))
    throw new ParamError("language", "language is a code such as en, fr or en-US.");

  const bytes = new Uint8Array(await file.arrayBuffer());
  if (bytes.byteLength > SPEECH_LIMITS.uploadBytes) throw new ParamError("file", TOO_LARGE_AUDIO, "too_large");
  const audio = checkAudio(bytes);
  const ctx = {
    backend: resolveAiBackend(c.env),
    signal: c.req.raw.signal,
    admit: (neurons: number) => admitSpend(c, neurons, { kind: "voice", model: model.id }),
  };
  const transcript = await billedTranscription(ctx, model, audio, language);
  return respond(c, format, transcript);
}

async function readForm(c: Context<AppEnv>): Promise<FormData> {
  const type = c.req.header("content-type") ?? "";
  if (!type.startsWith("multipart/form-data")) throw new ParamError("file", "Send multipart/form-data with the audio in the `file` field.");
  const body = await readLimited(
    c.req.raw.body,
    c.req.header("content-length"),
    SPEECH_LIMITS.uploadBytes + FORM_OVERHEAD,
    TOO_LARGE_AUDIO,
  );
  try {
    return await new Response(body, { headers: { "content-type": type } }).formData();
  } catch {
    throw new AppError("bad_request", "The upload is not valid multipart form data.");
  }
}

function stringField(form: FormData, name: string): string | undefined {
  const value = form.get(name);
  if (value === null) return undefined;
  if (typeof value !== "string") throw new ParamError(name, `${name} must be text.`);
  return value.trim() || undefined;
}

function respond(c: Context<AppEnv>, format: Format, t: Transcript): Response {
  const usage = { type: "duration", seconds: Math.ceil(t.seconds) };
  switch (format) {
    case "json":
      return c.json({ text: t.text, usage });
    case "text":
      return c.text(t.text);
    case "verbose_json":
      return c.json({
        task: "transcribe",
        language: t.language ?? "unknown",
        duration: t.seconds,
        text: t.text,
        segments: segmentsOf(t).map((s, id) => ({ id, seek: 0, start: s.start, end: s.end, text: s.text })),
        usage,
      });
    case "vtt":
      return c.body(t.vtt ?? cues(t, "vtt"), 200, { "content-type": "text/vtt; charset=utf-8" });
    case "srt":
      return c.body(cues(t, "srt"), 200, { "content-type": "application/x-subrip; charset=utf-8" });
  }
}

/** The model's segments, or the whole text as one when it gave none (Nova-3). */
function segmentsOf(t: Transcript): { start: number; end: number; text: string }[] {
  return t.segments?.length ? t.segments : [{ start: 0, end: t.seconds, text: t.text }];
}

function cues(t: Transcript, kind: "vtt" | "srt"): string {
  const stamp = (s: number) => {
    const ms = Math.round(s * 1000);
    const parts = [Math.floor(ms / 3_600_000), Math.floor(ms / 60_000) % 60, Math.floor(ms / 1000) % 60].map((n) =>
      String(n).padStart(2, "0"),
    );
    return `${parts.join(":")}${kind === "vtt" ? "." : ","}${String(ms % 1000).padStart(3, "0")}`;
  };
  const body = segmentsOf(t)
    .map((s, i) => `${kind === "srt" ? `${i + 1}\n` : ""}${stamp(s.start)} --> ${stamp(s.end)}\n${s.text.trim()}\n`)
    .join("\n");
  return kind === "vtt" ? `WEBVTT\n\n${body}` : body;
}
