import { useEffect, useId, useRef, useState } from "react";
import type { SpeechModel } from "../../contract/speech";
import { StrokeIcon } from "../ui/StrokeIcon";
import { iconButton } from "../ui/styles";
import { loadVoice } from "./load";
import { updateVoiceSettings, useVoiceSettings } from "./settings";

/**
 * The voice choices, kept in this browser: "Send on release" for dictation and the voice Read aloud
 * uses, from the speech catalog (each model's voices, its price beside its name). Escape closes.
 */
export default function VoiceSettings({ initiallyOpen = false }: { initiallyOpen?: boolean }) {
  const [open, setOpen] = useState(initiallyOpen);
  const [models, setModels] = useState<readonly SpeechModel[]>();
  const [defaultModel, setDefaultModel] = useState<string>();
  const settings = useVoiceSettings();
  const id = useId();
  const opener = useRef<HTMLButtonElement>(null);
  // biome-ignore lint/correctness/useExhaustiveDependencies: once, on mount (swapped in for the pressed placeholder)
  useEffect(() => {
    if (initiallyOpen) opener.current?.focus();
  }, []);

  useEffect(() => {
    if (!open || models) return;
    void loadVoice().then((voice) => {
      setModels(voice.SPEECH_MODELS);
      setDefaultModel(voice.DEFAULT_SPEECH_MODEL);
    });
  }, [open, models]);

  const model = models?.find((m) => m.id === (settings.speechModel ?? defaultModel));
  const selected = model
    ? `${model.id}|${settings.voice && model.voices.some((v) => v.id === settings.voice) ? settings.voice : model.defaultVoice}`
    : "";

  return (
    <span className="relative flex items-center">
      <button
        ref={opener}
        type="button"
        className={`${iconButton} h-11 w-7`}
        aria-label="Voice settings"
        aria-expanded={open}
        aria-controls={id}
        onClick={() => setOpen(!open)}
      >
        <StrokeIcon className="size-4">
          <path d="M6 9l6 6 6-6" />
        </StrokeIcon>
      </button>
      {open && (
        <fieldset
          id={id}
          className="absolute bottom-full right-0 z-20 mb-1 flex w-72 flex-col gap-2 rounded-md border border-border bg-card p-3 text-sm shadow-md"
          onKeyDown={(e) => {
            if (e.key !== "Escape") return;
            setOpen(false);
            opener.current?.focus();
          }}
        >
          <legend className="sr-only">Voice settings</legend>
          <label className="flex items-center gap-2">
            <input
              type="checkbox"
              checked={settings.sendOnRelease}
              onChange={(e) => updateVoiceSettings({ sendOnRelease: e.target.checked })}
            />
            Send on release
          </label>
          <label className="flex flex-col gap-1">
            Read-aloud voice
            <select
              className="rounded-md border border-input bg-background px-2 py-1.5 text-sm"
              value={selected}
              disabled={!models}
              onChange={(e) => {
                const [speechModel, voice] = e.target.value.split("|");
                updateVoiceSettings({ speechModel, voice });
              }}
            >
              {!models && <option value="">Loading…</option>}
              {models?.map((m) => (
                <optgroup key={m.id} label={`${m.label}${m.price.per === "1k-characters" ? " (costs more)" : ""}`}>
                  {m.voices.map((v) => (
                    <option key={v.id} value={`${m.id}|${v.id}`}>
                      {v.label} — {m.label}
                    </option>
                  ))}
                </optgroup>
              ))}
            </select>
          </label>
          <p className="text-xs text-muted-foreground">Saved in this browser. Recordings are transcribed and not kept.</p>
        </fieldset>
      )}
    </span>
  );
}
