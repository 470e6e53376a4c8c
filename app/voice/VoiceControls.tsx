import { MicButton } from "./MicButton";
import { VoiceMode } from "./VoiceMode";
import { VoiceSettings } from "./VoiceSettings";

interface Props {
  onTranscript: (text: string, send: boolean) => "sent" | "inserted";
  onSend: (text: string) => void;
  busy: boolean;
  onStop: () => void;
}

/** The composer's voice group: dictate, voice mode and the voice settings. Their code loads on first use. */
export function VoiceControls({ onTranscript, onSend, busy, onStop }: Props) {
  return (
    <span className="flex items-center">
      <MicButton onTranscript={onTranscript} />
      <VoiceMode onSend={onSend} busy={busy} onStop={onStop} />
      <VoiceSettings />
    </span>
  );
}
