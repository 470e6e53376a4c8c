import { SPEECH_LIMITS } from "../../contract/speech";
import { openMicrophone, record, type OpenMicrophone } from "./recorder";

/**
 * Voice mode's ear: end of turn is decided on the device, from the AnalyserNode's level. Speech is the
 * level above SPEECH_LEVEL for SPEECH_START_MS; the turn ends after END_SILENCE_MS below it. Nothing
 * is sent while nobody speaks: a recording that hears no speech for IDLE_RESTART_MS is thrown away
 * and started again, because transcription is billed per audio minute, silence included.
 */
export const SPEECH_LEVEL = 0.08;
const SPEECH_START_MS = 150;
const END_SILENCE_MS = 1200;
const IDLE_RESTART_MS = 8000;
const TICK_MS = 50;

/** The microphone held open for a whole voice-mode session (one permission, no reopening between turns). */
export const openEar = openMicrophone;
export type Ear = OpenMicrophone;

export interface Listening {
  /** The turn's audio once the person stopped speaking; null when cancelled. */
  turn: Promise<Blob | null>;
  cancel(): void;
}

/**
 * Listens for one spoken turn on the open microphone. `onSpeech` fires when speech starts (voice
 * mode's barge-in stops the reading there). Checked on a 50 ms timer, not animation frames, which
 * stop in a hidden tab.
 */
export function listenForTurn(ear: Ear, onSpeech: () => void): Listening {
  let timer: ReturnType<typeof setInterval> | undefined;
  let settle: (blob: Blob | null) => void = () => {};
  let current = record(ear, false);
  const turn = new Promise<Blob | null>((resolve) => {
    settle = resolve;
    let loudSince: number | undefined;
    let spoke = false;
    let quietSince = 0;
    timer = setInterval(() => {
      const now = current.elapsed();
      const loud = ear.level() >= SPEECH_LEVEL;
      if (loud) {
        loudSince ??= now;
        quietSince = now;
        if (!spoke && now - loudSince >= SPEECH_START_MS) {
          spoke = true;
          onSpeech();
        }
      } else loudSince = undefined;
      if (spoke && (now - quietSince >= END_SILENCE_MS || now >= SPEECH_LIMITS.seconds * 1000 - 500)) {
        clearInterval(timer);
        void current.stop().then(resolve);
      } else if (!spoke && now >= IDLE_RESTART_MS) {
        current.cancel();
        current = record(ear, false);
        quietSince = 0;
        loudSince = undefined;
      }
    }, TICK_MS);
  });
  return {
    turn,
    cancel() {
      clearInterval(timer);
      current.cancel();
      settle(null);
    },
  };
}
