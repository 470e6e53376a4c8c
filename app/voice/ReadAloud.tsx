import { useEffect, useRef, useState } from "react";
import type { ChatMessage } from "../../contract/messages";
import { messageText } from "../chat/messageText";
import { smallButton } from "../ui/styles";
import { loadVoice } from "./load";
import type { Reading, ReadingState } from "./reader";
import { voiceSettings } from "./settings";
import { voiceBus } from "./voice-bus";

/**
 * Loaded on first use (ReadAloudSlot shows the button until then). "Read aloud" on an answer: its text
 * (not its reasoning, not tool output), the first sentence playing as soon as it is synthesised and the
 * rest in groups of sentences (reader.ts), with Stop. In voice mode the answer to the question just
 * asked reads itself while it is still being written, complete sentence by complete sentence.
 */
export default function ReadAloudPlayer({
  message,
  streaming,
  autoStart,
}: {
  message: ChatMessage;
  streaming: boolean;
  autoStart: boolean;
}) {
  const text = messageText(message);
  const [state, setState] = useState<ReadingState>();
  const [announcement, setAnnouncement] = useState("");
  const reading = useRef<Reading>(undefined);
  const latest = useRef({ text, complete: !streaming });
  latest.current = { text, complete: !streaming };

  const stop = () => reading.current?.stop();

  // Set before the first await: a second start (a double press, React's development double mount) is ignored.
  const starting = useRef(false);
  const start = async () => {
    if (starting.current) return;
    starting.current = true;
    setState({ phase: "waiting", sentence: 0 });
    setAnnouncement("Reading aloud.");
    const voice = await loadVoice();
    voice.audioContext(); // Within the press that asked for sound.
    const { speechModel, voice: voiceId } = voiceSettings();
    const current = voice.startReading({ model: speechModel, voice: voiceId }, setState);
    const stopThis = () => current.stop();
    reading.current = current;
    voiceBus.reading(stopThis);
    current.update(latest.current.text, latest.current.complete);
    await current.finished;
    reading.current = undefined;
    starting.current = false;
    voiceBus.readingEnded(stopThis);
  };

  useEffect(() => {
    reading.current?.update(text, !streaming);
  }, [text, streaming]);

  // Mounted by a press of Read aloud, or by voice mode for the answer to its question: read at once.
  // biome-ignore lint/correctness/useExhaustiveDependencies: once, on mount; start reads the latest text through refs
  useEffect(() => {
    if (autoStart) void start();
    return () => reading.current?.stop();
  }, []);

  useEffect(() => {
    if (state?.phase === "stopped") setAnnouncement("Stopped reading.");
    else if (state?.phase === "failed") setAnnouncement(`Not read aloud: ${state.message}`);
    else if (state?.phase === "done") setAnnouncement("Finished reading.");
  }, [state]);

  const active = state && (state.phase === "waiting" || state.phase === "playing");
  if (!text.trim() || (streaming && !active)) return null;
  return (
    <div className="flex flex-wrap items-center gap-1 text-xs text-muted-foreground">
      {active ? (
        <button type="button" className={smallButton} onClick={stop}>
          Stop reading
        </button>
      ) : (
        <button type="button" className={smallButton} onClick={() => void start()}>
          Read aloud
        </button>
      )}
      {state?.phase === "playing" && (
        <span>
          {state.through > state.sentence
            ? `Sentences ${state.sentence + 1}–${state.through + 1} of ${state.total}`
            : `Sentence ${state.sentence + 1} of ${state.total}`}
          {state.complete ? "" : "+"}
        </span>
      )}
      {state?.phase === "waiting" && <span>Preparing the speech…</span>}
      <span role="status" className={state?.phase === "failed" ? "text-destructive" : "sr-only"}>
        {announcement}
      </span>
    </div>
  );
}
