import { useEffect, useRef, useState } from "react";
import { StrokeIcon } from "../ui/StrokeIcon";
import { iconButton } from "../ui/styles";
import { LevelMeter } from "./LevelMeter";
import { loadVoice } from "./load";
import type { Ear } from "./listen";
import { voiceBus } from "./voice-bus";

interface Props {
  onSend: (text: string) => void;
  busy: boolean;
  onStop: () => void;
}

/**
 * Hands-free conversation: listen → the turn ends after a silence → transcribe → send → the answer
 * reads itself aloud while the next turn is already being listened for; speaking while it is read
 * stops the reading (barge-in), and a question asked while the answer is still being written stops it.
 */
export default function VoiceMode({ onSend, busy, onStop, initiallyOn = false }: Props & { initiallyOn?: boolean }) {
  const [on, setOn] = useState(initiallyOn);
  const [status, setStatus] = useState(initiallyOn ? "Voice mode on. Starting the microphone…" : "");
  const button = useRef<HTMLButtonElement>(null);
  // Swapped in for the placeholder that was pressed: the keyboard stays on the button.
  // biome-ignore lint/correctness/useExhaustiveDependencies: once, on mount
  useEffect(() => {
    if (initiallyOn) button.current?.focus();
  }, []);
  const [ear, setEar] = useState<Ear>();
  const [listening, setListening] = useState(false);
  const busyRef = useRef(busy);
  busyRef.current = busy;
  const send = useRef(onSend);
  send.current = onSend;
  const stopAnswer = useRef(onStop);
  stopAnswer.current = onStop;
  const session = useRef(0);

  useEffect(() => {
    if (!on) return;
    const id = ++session.current;
    const alive = () => session.current === id;
    let current: { cancel(): void } | undefined;
    let opened: Ear | undefined;
    const loop = async () => {
      const voice = await loadVoice();
      try {
        opened = await voice.openEar();
      } catch (error) {
        setStatus(voice.microphoneProblem(error));
        setOn(false);
        return;
      }
      if (!alive()) return opened.close();
      setEar(opened);
      while (alive()) {
        const listening = voice.listenForTurn(opened, () => {
          if (voiceBus.isReading()) {
            voiceBus.stopReading();
            setStatus("You spoke: stopped reading. Listening…");
          }
        });
        current = listening;
        setListening(true);
        setStatus((s) => (s.startsWith("You spoke") || s.startsWith("Sent") ? s : "Listening… speak, then pause."));
        const audio = await listening.turn;
        setListening(false);
        if (!audio || !alive()) return;
        setStatus("Transcribing…");
        try {
          const { text } = await voice.transcribe(audio);
          if (!alive()) return;
          if (!text.trim()) continue;
          if (busyRef.current) {
            stopAnswer.current();
            while (busyRef.current && alive()) await new Promise((r) => setTimeout(r, 100));
          }
          if (!alive()) return;
          voiceBus.expectAnswer();
          send.current(text.trim());
          setStatus(`Sent: ${text.trim()} Listening for the next question…`);
        } catch (error) {
          setStatus(`Not transcribed: ${(error as Error).message}`);
        }
      }
    };
    void loop();
    return () => {
      session.current++;
      current?.cancel();
      opened?.close();
      setEar(undefined);
      setListening(false);
      voiceBus.cancelExpectation();
      voiceBus.stopReading();
    };
  }, [on]);

  return (
    <span className="relative flex items-center">
      <button
        ref={button}
        type="button"
        className={`${iconButton} h-11 ${on ? "bg-primary text-primary-foreground hover:bg-primary hover:text-primary-foreground" : ""}`}
        aria-pressed={on}
        aria-label="Voice mode"
        title="Voice mode: talk hands-free and hear the answers"
        onPointerEnter={() => void loadVoice()}
        onClick={() => {
          if (!on) void loadVoice().then((voice) => voice.audioContext());
          setStatus(on ? "Voice mode off." : "Voice mode on. Starting the microphone…");
          setOn(!on);
        }}
      >
        <StrokeIcon>
          <path d="M4 10v4M8 7v10M12 4v16M16 7v10M20 10v4" />
        </StrokeIcon>
      </button>
      {on && listening && ear && (
        <span className="absolute bottom-full right-0 mb-1 rounded-md border border-border bg-card px-2 py-1 shadow-sm">
          <LevelMeter level={ear.level} />
        </span>
      )}
      <span
        role="status"
        className={
          status && on
            ? "absolute bottom-full right-0 z-10 mb-9 w-64 rounded-md border border-border bg-card px-2 py-1 text-xs shadow-sm"
            : "sr-only"
        }
      >
        {status}
      </span>
    </span>
  );
}
