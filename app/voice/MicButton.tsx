import { useEffect, useRef, useState } from "react";
import { StrokeIcon } from "../ui/StrokeIcon";
import { iconButton } from "../ui/styles";
import { LevelMeter } from "./LevelMeter";
import { loadVoice, type VoiceRuntime } from "./load";
import { voiceSettings } from "./settings";
import type { Recording } from "./recorder";

/** A press shorter than this is a toggle (press, speak, press again); a longer one is hold-to-talk. */
const HOLD_MS = 400;

type State =
  | { kind: "idle" }
  | { kind: "starting" }
  | { kind: "recording"; recording: Recording; held: boolean }
  | { kind: "transcribing" };

interface Props {
  /** The transcript, to insert into the box (or send, with Send on release); answers whether it was sent. */
  onTranscript: (text: string, send: boolean) => "sent" | "inserted";
  disabled?: boolean;
}

/**
 * Dictation: hold to talk (release transcribes) or press to start and press again to stop; Space and
 * Enter toggle. The text lands in the composer to edit, or is sent with "Send on release". What
 * happens is said in a polite status, the microphone's refusal or absence included.
 */
export function MicButton({ onTranscript, disabled = false }: Props) {
  const [state, setState] = useState<State>({ kind: "idle" });
  const [message, setMessage] = useState("");
  const [limit, setLimit] = useState<number>();
  const latestOnTranscript = useRef(onTranscript);
  latestOnTranscript.current = onTranscript;
  const stateRef = useRef(state);
  stateRef.current = state;
  const pressedAt = useRef(0);
  const releasedEarly = useRef(false);
  const runtime = useRef<VoiceRuntime>(undefined);
  const limitTimer = useRef<ReturnType<typeof setTimeout>>(undefined);

  // A done message leaves the screen after a while; a problem stays until the next press.
  const [problem, setProblem] = useState(false);
  useEffect(() => {
    if (!message || problem || state.kind !== "idle") return;
    const timer = setTimeout(() => setMessage(""), 5000);
    return () => clearTimeout(timer);
  }, [message, problem, state.kind]);

  useEffect(
    () => () => {
      clearTimeout(limitTimer.current);
      const s = stateRef.current;
      if (s.kind === "recording") s.recording.cancel();
    },
    [],
  );

  const prefetch = () => void loadVoice().then((r) => (runtime.current = r));

  const start = async (held: boolean) => {
    setState({ kind: "starting" });
    setProblem(false);
    setMessage("Starting the microphone…");
    releasedEarly.current = false;
    try {
      const voice = runtime.current ?? (await loadVoice());
      runtime.current = voice;
      voice.audioContext(); // Inside the press: sound (and the analyser) is allowed after a gesture.
      const recording = await voice.startRecording();
      setLimit(voice.SPEECH_LIMITS.seconds);
      limitTimer.current = setTimeout(() => void stop("limit"), voice.SPEECH_LIMITS.seconds * 1000);
      setState({ kind: "recording", recording, held });
      setMessage(held ? "Recording. Release to transcribe." : "Recording. Press the microphone again to stop.");
      // Released while the microphone was still starting: nothing was heard yet, so it keeps recording
      // until the next press rather than sending an empty recording.
      if (held && releasedEarly.current) {
        setState({ kind: "recording", recording, held: false });
        setMessage("Recording. Press the microphone again to stop.");
      }
    } catch (error) {
      setState({ kind: "idle" });
      setProblem(true);
      setMessage((runtime.current ?? (await loadVoice())).microphoneProblem(error));
    }
  };

  const stop = async (why: "release" | "limit", current?: Recording) => {
    const s = stateRef.current;
    const recording = current ?? (s.kind === "recording" ? s.recording : undefined);
    if (!recording || !runtime.current) return;
    clearTimeout(limitTimer.current);
    performance.mark("voice:release");
    setState({ kind: "transcribing" });
    setMessage(why === "limit" ? "The time limit was reached. Transcribing…" : "Transcribing…");
    try {
      const audio = await recording.stop();
      const { text } = await runtime.current.transcribe(audio);
      setState({ kind: "idle" });
      if (!text.trim()) return setMessage("No words were heard. Try again closer to the microphone.");
      const outcome = latestOnTranscript.current(text.trim(), voiceSettings().sendOnRelease);
      performance.mark("voice:text");
      setMessage(outcome === "sent" ? `Sent: ${text.trim()}` : "The transcript is in the message box to edit.");
    } catch (error) {
      setState({ kind: "idle" });
      setProblem(true);
      setMessage(`Not transcribed: ${(error as Error).message}`);
    }
  };

  const recording = state.kind === "recording";
  const label = recording ? "Stop recording" : state.kind === "transcribing" ? "Transcribing" : "Dictate";

  return (
    <span className="relative flex items-center">
      <button
        type="button"
        className={`${iconButton} h-11 touch-none select-none ${recording ? "bg-red-600 text-white hover:bg-red-700 hover:text-white" : ""}`}
        aria-label={label}
        aria-pressed={recording}
        title="Hold to talk, or press to start and again to stop"
        disabled={disabled || state.kind === "transcribing"}
        onPointerEnter={prefetch}
        onFocus={prefetch}
        onContextMenu={(e) => e.preventDefault()}
        onPointerDown={(e) => {
          if (e.button !== 0) return;
          e.currentTarget.setPointerCapture(e.pointerId);
          pressedAt.current = performance.now();
          if (stateRef.current.kind === "idle") void start(true);
        }}
        onPointerUp={() => {
          const s = stateRef.current;
          const heldFor = performance.now() - pressedAt.current;
          if (s.kind === "starting") releasedEarly.current = true;
          else if (s.kind === "recording" && (heldFor >= HOLD_MS || !s.held)) void stop("release");
          else if (s.kind === "recording") setState({ ...s, held: false });
        }}
        onPointerCancel={() => {
          const s = stateRef.current;
          if (s.kind === "recording" && s.held) void stop("release");
        }}
        onClick={(e) => {
          // Pointer presses are handled above; a click without one (Space, Enter, a screen reader) toggles.
          if (e.detail !== 0) return;
          const s = stateRef.current;
          if (s.kind === "idle") void start(false);
          else if (s.kind === "recording") void stop("release");
        }}
      >
        <StrokeIcon>
          <rect x="9" y="3" width="6" height="11" rx="3" />
          <path d="M5 11a7 7 0 0 0 14 0M12 18v3" />
        </StrokeIcon>
      </button>
      {recording && (
        <span className="absolute bottom-full right-0 mb-1 rounded-md border border-border bg-card px-2 py-1 shadow-sm">
          <LevelMeter level={state.recording.level} elapsed={state.recording.elapsed} limitSeconds={limit} />
        </span>
      )}
      <span
        role="status"
        className={
          message && !recording
            ? "absolute bottom-full right-0 z-10 mb-1 w-64 rounded-md border border-border bg-card px-2 py-1 text-xs shadow-sm"
            : "sr-only"
        }
      >
        {message}
      </span>
    </span>
  );
}
