import { z } from "zod";
import { modelIdSchema } from "./api";
import { DOLLARS_PER_NEURON, type PriceSource } from "./pricing";

/**
 * The speech catalog (issue 26): Workers AI's speech-to-text and text-to-speech models the app offers,
 * their inputs, voices, prices and the limits every upload and request is held to. The UI draws its
 * voice picker from it, the Worker validates and prices with it, the local engine stands in for it.
 *
 * Prices and inputs, read 2026-12-07:
 * - developers.cloudflare.com/workers-ai/platform/pricing/ (table "Audio model pricing", as changed by
 *   cloudflare-docs PR 24748): whisper-large-v3-turbo 46.63 neurons per audio minute; melotts 18.63
 *   neurons per audio minute ($0.0002); aura-1 $0.015 per 1k characters = 1,363.64 neurons; nova-3
 *   $0.0052 per audio minute = 472.73 neurons.
 * - each model page's "Unit Pricing" (developers.cloudflare.com/ai/models/@cf/…): whisper-large-v3-turbo
 *   $0.00051 per audio minute (46.36 neurons; the table's 46.63 is higher and is the one used: a budget
 *   must never count less than is billed); aura-2-en $0.03 per 1k characters (not in the table: 2,727.27
 *   neurons at $0.011 per 1,000 neurons); nova-3 as the table.
 * - inputs/outputs from the same model pages: whisper-large-v3-turbo takes `{ audio: base64, language? }`
 *   and answers `{ text, word_count?, segments?, vtt?, transcription_info: { language, duration, … } }`;
 *   nova-3 takes the audio bytes themselves (`audio: { body, contentType }` on the binding, the raw body
 *   with its Content-Type over REST) and answers Deepgram's `{ results: { channels: [{ alternatives:
 *   [{ transcript }] }] } }`; aura-1/aura-2-en take `{ text, speaker?, encoding?, container? }` and answer
 *   MP3 bytes (a stream on the binding); melotts takes `{ prompt, lang? }` and answers `{ audio: base64 MP3 }`.
 * MeloTTS is billed per minute of audio it makes, which is not known before it answers: it is priced
 * from the text at a deliberately slow speaking rate (SLOW_CHARS_PER_SECOND) and says "estimate".
 */

/** Limits on what one request may carry. Each one's reason is beside it. */
export const SPEECH_LIMITS = {
  /**
   * 4 MB: two minutes of 16 kHz mono 16-bit WAV is 3.84 MB, and the browser's Opus/WebM is ~30x
   * smaller. Whisper takes the audio as base64 inside JSON (4/3 larger), so 4 MB stays well inside a
   * Worker's memory and Workers AI's request size.
   */
  uploadBytes: 4 * 1024 * 1024,
  /** Two minutes: dictation of a question, not a meeting; it bounds the neurons one request can spend. */
  seconds: 120,
  /** One request reads one sentence or a short answer aloud; the UI sends one request per sentence. */
  speechChars: 2000,
} as const;

/** Characters per second assumed when a price depends on the length of audio not yet made (MeloTTS). */
export const SLOW_CHARS_PER_SECOND = 8;

export type SpeechPrice =
  | { per: "audio-minute"; neurons: number; source: PriceSource }
  | { per: "1k-characters"; neurons: number; source: PriceSource };

const neurons = (dollars: number) => dollars / DOLLARS_PER_NEURON;

export interface TranscriptionModel {
  kind: "transcription";
  id: string;
  label: string;
  vendor: string;
  /** How the audio travels to Workers AI: base64 in JSON (Whisper) or the bytes with their type (Nova-3). */
  input: "base64-json" | "binary";
  price: SpeechPrice;
  note?: string;
}

export interface Voice {
  /** Sent to the model as its `speaker` (Aura) or `lang` (MeloTTS). */
  id: string;
  label: string;
}

export interface SpeechModel {
  kind: "speech";
  id: string;
  label: string;
  vendor: string;
  /** What the model is sent: Aura's `{ text, speaker }`, MeloTTS's `{ prompt, lang }`. */
  input: "aura" | "melotts";
  voices: readonly Voice[];
  defaultVoice: string;
  price: SpeechPrice;
  note?: string;
}

export type SpeechCatalogEntry = TranscriptionModel | SpeechModel;

const titleCase = (name: string) => name.charAt(0).toUpperCase() + name.slice(1);
const named = (ids: readonly string[]): Voice[] => ids.map((id) => ({ id, label: titleCase(id) }));

// developers.cloudflare.com/ai/models/@cf/deepgram/aura-2-en/ (speaker enum, default luna), read 2026-12-07.
const AURA_2_VOICES = named([
  "luna",
  "amalthea",
  "andromeda",
  "apollo",
  "arcas",
  "aries",
  "asteria",
  "athena",
  "atlas",
  "aurora",
  "callista",
  "cora",
  "cordelia",
  "delia",
  "draco",
  "electra",
  "harmonia",
  "helena",
  "hera",
  "hermes",
  "hyperion",
  "iris",
  "janus",
  "juno",
  "jupiter",
  "mars",
  "minerva",
  "neptune",
  "odysseus",
  "ophelia",
  "orion",
  "orpheus",
  "pandora",
  "phoebe",
  "pluto",
  "saturn",
  "thalia",
  "theia",
  "vesta",
  "zeus",
]);

// developers.cloudflare.com/ai/models/@cf/deepgram/aura-1/ (speaker enum, default angus), read 2026-12-07.
const AURA_1_VOICES = named([
  "angus",
  "asteria",
  "arcas",
  "orion",
  "orpheus",
  "athena",
  "luna",
  "zeus",
  "perseus",
  "helios",
  "hera",
  "stella",
]);

// MeloTTS's `lang` (default en). Cloudflare's page names en and fr as examples; these are MeloTTS's own
// languages (myshell-ai/MeloTTS). A voice here is a language: MeloTTS has one speaker per language.
const MELO_LANGUAGES: Voice[] = [
  { id: "en", label: "English" },
  { id: "es", label: "Spanish" },
  { id: "fr", label: "French" },
  { id: "zh", label: "Chinese" },
  { id: "ja", label: "Japanese" },
  { id: "ko", label: "Korean" },
];

export const SPEECH_CATALOG: readonly SpeechCatalogEntry[] = [
  {
    kind: "transcription",
    id: "@cf/openai/whisper-large-v3-turbo",
    label: "Whisper large v3 turbo",
    vendor: "OpenAI",
    input: "base64-json",
    price: { per: "audio-minute", neurons: 46.63, source: "published" },
    note: "Many languages, detected by itself when none is given.",
  },
  {
    kind: "transcription",
    id: "@cf/deepgram/nova-3",
    label: "Nova-3",
    vendor: "Deepgram",
    input: "binary",
    price: { per: "audio-minute", neurons: neurons(0.0052), source: "published" },
    note: "English and nine other languages; English (US) unless one is given.",
  },
  {
    kind: "speech",
    id: "@cf/myshell-ai/melotts",
    label: "MeloTTS",
    vendor: "MyShell",
    input: "melotts",
    voices: MELO_LANGUAGES,
    defaultVoice: "en",
    price: { per: "audio-minute", neurons: 18.63, source: "estimate" },
    note: "By far the cheapest; one voice per language.",
  },
  {
    kind: "speech",
    id: "@cf/deepgram/aura-2-en",
    label: "Aura-2 (English)",
    vendor: "Deepgram",
    input: "aura",
    voices: AURA_2_VOICES,
    defaultVoice: "luna",
    price: { per: "1k-characters", neurons: neurons(0.03), source: "published" },
    note: "The most natural voices, at about 150 times MeloTTS's price.",
  },
  {
    kind: "speech",
    id: "@cf/deepgram/aura-1",
    label: "Aura-1 (English)",
    vendor: "Deepgram",
    input: "aura",
    voices: AURA_1_VOICES,
    defaultVoice: "angus",
    price: { per: "1k-characters", neurons: neurons(0.015), source: "published" },
  },
];

export const TRANSCRIPTION_MODELS = SPEECH_CATALOG.filter((m): m is TranscriptionModel => m.kind === "transcription");
export const SPEECH_MODELS = SPEECH_CATALOG.filter((m): m is SpeechModel => m.kind === "speech");

export const DEFAULT_TRANSCRIPTION_MODEL = "@cf/openai/whisper-large-v3-turbo";
/**
 * MeloTTS: reading every answer aloud with Aura-2 would spend a free day's 10,000 neurons in about
 * 3,600 characters; MeloTTS reads hours for the same. The picker offers Aura's voices at their price.
 */
export const DEFAULT_SPEECH_MODEL = "@cf/myshell-ai/melotts";

export function findTranscriptionModel(id: string): TranscriptionModel | undefined {
  return TRANSCRIPTION_MODELS.find((m) => m.id === id);
}

export function findSpeechModel(id: string): SpeechModel | undefined {
  return SPEECH_MODELS.find((m) => m.id === id);
}

/** Whole neurons, rounded up, for transcribing this many seconds of audio. */
export function transcriptionCost(model: TranscriptionModel, seconds: number): number {
  return Math.ceil((Math.max(0, seconds) / 60) * model.price.neurons);
}

/** Whole neurons, rounded up, for reading this text aloud. */
export function speechCost(model: SpeechModel, text: string): number {
  const chars = [...text].length;
  if (model.price.per === "1k-characters") return Math.ceil((chars / 1000) * model.price.neurons);
  return Math.ceil((chars / SLOW_CHARS_PER_SECOND / 60) * model.price.neurons);
}

/** ISO 639-1 (Whisper) or a BCP 47 tag with a region (Nova-3: en-US, pt-BR, es-419). */
const languageSchema = z
  .string()
  .regex(/^[a-z]{2,3}(-[A-Za-z0-9]{2,4})?$/, "must be a language code such as en, fr or en-US")
  .optional();

/** `POST /api/audio/transcriptions?model=&language=`, body = the audio bytes (their type is sniffed). */
export const transcriptionQuerySchema = z.object({
  model: modelIdSchema.optional(),
  language: languageSchema,
});
export type TranscriptionQuery = z.infer<typeof transcriptionQuerySchema>;

export interface TranscriptionResponse {
  text: string;
  /** The audio's length: as the model measured it, else as read from the file. What was billed. */
  seconds: number;
  model: string;
}

/** `POST /api/audio/speech`: answers the audio bytes (`audio/mpeg` from Workers AI, `audio/wav` from the local engine). */
export const speechRequestSchema = z.strictObject({
  text: z
    .string()
    .trim()
    .min(1, "cannot be empty")
    .max(SPEECH_LIMITS.speechChars, `must be at most ${SPEECH_LIMITS.speechChars} characters: send one sentence at a time`),
  /** A voice id of the model's catalog entry; its default when absent. */
  voice: z.string().min(1).max(40).optional(),
  model: modelIdSchema.optional(),
});
export type SpeechRequest = z.infer<typeof speechRequestSchema>;

/** The audio types the speech route may answer with. */
export type SpeechAudioType = "audio/mpeg" | "audio/wav";

/** The audio containers an upload may be in: read from its first bytes, never from its Content-Type. */
export type AudioFormat = "webm" | "ogg" | "wav" | "mp3" | "mp4" | "flac";

export const AUDIO_MIME: Record<AudioFormat, string> = {
  webm: "audio/webm",
  ogg: "audio/ogg",
  wav: "audio/wav",
  mp3: "audio/mpeg",
  mp4: "audio/mp4",
  flac: "audio/flac",
};
