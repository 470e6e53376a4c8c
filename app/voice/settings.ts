import { useSyncExternalStore } from "react";

/** A person's voice choices, kept in this browser (localStorage): nothing about them needs the server. */
export interface VoiceSettings {
  /** Dictation sends the message when the microphone is released, instead of leaving it to edit. */
  sendOnRelease: boolean;
  /** The speech model and voice Read aloud uses (contract/speech.ts); the catalog's default when unset. */
  speechModel?: string;
  voice?: string;
}

const KEY = "voice-settings";
const DEFAULTS: VoiceSettings = { sendOnRelease: false };
const listeners = new Set<() => void>();
let cached: { raw: string | null; value: VoiceSettings } | undefined;

function read(): VoiceSettings {
  let raw: string | null = null;
  try {
    raw = localStorage.getItem(KEY);
  } catch {
    // Storage refused (private mode, a policy): the defaults hold for this visit.
  }
  if (cached?.raw === raw) return cached.value;
  let value = DEFAULTS;
  try {
    if (raw) value = { ...DEFAULTS, ...(JSON.parse(raw) as Partial<VoiceSettings>) };
  } catch {
    // Unreadable: the defaults.
  }
  cached = { raw, value };
  return value;
}

export function voiceSettings(): VoiceSettings {
  return read();
}

export function updateVoiceSettings(patch: Partial<VoiceSettings>): void {
  try {
    localStorage.setItem(KEY, JSON.stringify({ ...read(), ...patch }));
  } catch {
    cached = { raw: null, value: { ...read(), ...patch } };
  }
  for (const listener of listeners) listener();
}

function subscribe(listener: () => void): () => void {
  listeners.add(listener);
  window.addEventListener("storage", listener);
  return () => {
    listeners.delete(listener);
    window.removeEventListener("storage", listener);
  };
}

export function useVoiceSettings(): VoiceSettings {
  return useSyncExternalStore(subscribe, read);
}
