import { lazy, Suspense, useState } from "react";
import { StrokeIcon } from "../ui/StrokeIcon";
import { iconButton } from "../ui/styles";
import { MicButton } from "./MicButton";

// Voice mode and the voice settings are fetched on their first press; until then a look-alike button
// stands in (the chat page's first load stays under its 150 KB budget, bench/bundle.ts).
const VoiceMode = lazy(() => import("./VoiceMode"));
const VoiceSettings = lazy(() => import("./VoiceSettings"));

interface Props {
  onTranscript: (text: string, send: boolean) => "sent" | "inserted";
  onSend: (text: string) => void;
  busy: boolean;
  onStop: () => void;
}

/** The composer's voice group: Dictate, Voice mode and the voice settings. */
export function VoiceControls({ onTranscript, onSend, busy, onStop }: Props) {
  const [modeUsed, setModeUsed] = useState(false);
  const [settingsUsed, setSettingsUsed] = useState(false);
  const modeButton = (onClick?: () => void) => (
    <button
      type="button"
      className={`${iconButton} h-11`}
      aria-pressed={false}
      aria-label="Voice mode"
      title="Voice mode: talk hands-free and hear the answers"
      onClick={onClick}
    >
      <StrokeIcon>
        <path d="M4 10v4M8 7v10M12 4v16M16 7v10M20 10v4" />
      </StrokeIcon>
    </button>
  );
  const settingsButton = (onClick?: () => void) => (
    <button type="button" className={`${iconButton} h-11 w-7`} aria-label="Voice settings" aria-expanded={false} onClick={onClick}>
      <StrokeIcon className="size-4">
        <path d="M6 9l6 6 6-6" />
      </StrokeIcon>
    </button>
  );
  return (
    <span className="flex items-center">
      <MicButton onTranscript={onTranscript} />
      {modeUsed ? (
        <Suspense fallback={modeButton()}>
          <VoiceMode onSend={onSend} busy={busy} onStop={onStop} initiallyOn />
        </Suspense>
      ) : (
        modeButton(() => setModeUsed(true))
      )}
      {settingsUsed ? (
        <Suspense fallback={settingsButton()}>
          <VoiceSettings initiallyOpen />
        </Suspense>
      ) : (
        settingsButton(() => setSettingsUsed(true))
      )}
    </span>
  );
}
