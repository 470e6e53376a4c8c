import { audioContext } from "./recorder";
import { sentencesOf } from "./sentences";
import { groupFrom } from "./speech-groups";
import { synthesize } from "./speech-api";

/**
 * Groups asked for ahead of the one playing. A group is up to ~40 s of speech (speech-groups.ts), so
 * one ahead is ready long before it is needed, and Stop leaves at most two requests to abort.
 */
const AHEAD = 1;

export type ReadingState =
  | { phase: "waiting"; sentence: number } // asked for the next sentences (or waiting for the answer to write them)
  | { phase: "playing"; sentence: number; through: number; total: number; complete: boolean } // sentences `sentence`..`through`
  | { phase: "done" }
  | { phase: "stopped" }
  | { phase: "failed"; message: string };

export interface Reading {
  /** The answer's text so far; `complete` once it has ended (its last sentence then counts). */
  update(text: string, complete: boolean): void;
  stop(): void;
  /** Settles when the last sentence has played, or on stop or failure. */
  finished: Promise<void>;
}

interface Requested {
  start: number;
  end: number;
  audio: Promise<ArrayBuffer>;
}

/**
 * Reads an answer aloud: the first sentence is asked of /api/audio/speech alone, as soon as it is
 * complete (a streaming answer's first sentence plays while the rest is still being written), and the
 * sentences after it in groups of up to GROUP_CHARS, so a long answer costs a few of the person's 30
 * model calls a minute instead of one per sentence. Each is decoded and played on the page's
 * AudioContext one after another. Performance marks `voice:first-sentence` and `voice:first-audio`
 * time the first one (bench/voice.ts).
 */
export function startReading(choice: { model?: string; voice?: string }, onState: (state: ReadingState) => void): Reading {
  const ctx = audioContext();
  const abort = new AbortController();
  let sentences: string[] = [];
  let complete = false;
  const requested: Requested[] = [];
  let wake: (() => void) | undefined;
  let source: AudioBufferSourceNode | undefined;
  let stopped = false;
  /** The group being played (or waited for): requests run at most AHEAD past it. */
  let current = 0;
  /**
   * The first sentence is asked for alone: the ones ahead, sent with it, shared the Worker and the
   * person's spend ledger with it and delayed the first sound (bench/voice.ts: its request took
   * ~75 ms instead of ~54), and they are not needed before it has played. They go when its audio is in.
   */
  let firstArrived = false;

  const ask = (start: number, end: number, text: string) => {
    const audio = synthesize(text, choice, abort.signal);
    audio.catch(() => {}); // Read (and reported) in order by the loop below.
    requested.push({ start, end, audio });
    return audio;
  };

  const askAhead = () => {
    if (stopped) return;
    if (requested.length === 0) {
      if (sentences.length === 0) return;
      performance.mark("voice:first-sentence");
      void ask(0, 1, sentences[0]).then(
        () => {
          firstArrived = true;
          askAhead();
        },
        () => {},
      );
      return;
    }
    if (!firstArrived) return;
    while (requested.length <= current + AHEAD) {
      const start = requested[requested.length - 1].end;
      if (start >= sentences.length) return;
      const group = groupFrom(sentences, start);
      // While the answer is still being written, a group with room left waits for more sentences,
      // unless playback has reached it: a slow answer then costs a pause, not a request a sentence.
      if (!group.full && !complete && requested.length > current) return;
      ask(group.start, group.end, group.text);
    }
  };

  const play = (buffer: AudioBuffer) =>
    new Promise<void>((resolve) => {
      source = ctx.createBufferSource();
      source.buffer = buffer;
      source.connect(ctx.destination);
      source.onended = () => resolve();
      source.start();
    });

  const run = async () => {
    for (let g = 0; ; g++) {
      current = g;
      askAhead();
      while (g >= requested.length && !stopped) {
        const next = requested.at(-1)?.end ?? 0;
        if (complete && next >= sentences.length) break;
        onState({ phase: "waiting", sentence: next });
        await new Promise<void>((resolve) => (wake = resolve));
        askAhead();
      }
      if (stopped) return onState({ phase: "stopped" });
      if (g >= requested.length) return onState({ phase: "done" });
      const { start, end, audio } = requested[g];
      if (g === 0 || !source) onState({ phase: "waiting", sentence: start });
      const bytes = await audio;
      if (stopped) return onState({ phase: "stopped" });
      const buffer = await ctx.decodeAudioData(bytes);
      if (stopped) return onState({ phase: "stopped" });
      if (g === 0) performance.mark("voice:first-audio");
      onState({ phase: "playing", sentence: start, through: end - 1, total: sentences.length, complete });
      await play(buffer);
      if (stopped) return onState({ phase: "stopped" });
    }
  };

  const finished = run().catch((error: Error) => {
    if (stopped) return onState({ phase: "stopped" });
    stopped = true;
    abort.abort();
    onState({
      phase: "failed",
      message: error.name === "EncodingError" ? "The speech could not be played: its audio was not readable." : error.message,
    });
  });

  return {
    update(text, isComplete) {
      if (stopped) return;
      sentences = sentencesOf(text, isComplete);
      complete = isComplete;
      askAhead();
      wake?.();
    },
    stop() {
      if (stopped) return;
      stopped = true;
      abort.abort();
      try {
        source?.stop();
      } catch {
        // Not started yet.
      }
      wake?.();
    },
    finished,
  };
}
