import { audioContext } from "./recorder";
import { sentencesOf } from "./sentences";
import { synthesize } from "./speech-api";

/** Sentences asked for ahead of the one playing, so the next is ready when this one ends without flooding the route. */
const AHEAD = 2;

export type ReadingState =
  | { phase: "waiting"; sentence: number } // asked for the next sentence (or waiting for the answer to write it)
  | { phase: "playing"; sentence: number; total: number; complete: boolean }
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

/**
 * Reads an answer aloud sentence by sentence: each one is asked of /api/audio/speech in order as soon
 * as it is complete (a streaming answer's first sentence plays while the rest is still being written;
 * the first is asked alone, the next ones once its audio is in), decoded and played on the page's
 * AudioContext one after another. Performance marks `voice:first-sentence` and `voice:first-audio`
 * time the first one (bench/voice.ts).
 */
export function startReading(choice: { model?: string; voice?: string }, onState: (state: ReadingState) => void): Reading {
  const ctx = audioContext();
  const abort = new AbortController();
  let sentences: string[] = [];
  let complete = false;
  const audio: Promise<ArrayBuffer>[] = [];
  let wake: (() => void) | undefined;
  let source: AudioBufferSourceNode | undefined;
  let stopped = false;
  let marked = false;
  /** The sentence being played (or waited for): requests run at most AHEAD past it. */
  let current = 0;
  /**
   * The first sentence is asked for alone: the ones ahead, sent with it, shared the Worker and the
   * person's spend ledger with it and delayed the first sound (bench/voice.ts: its request took
   * ~75 ms instead of ~54), and they are not needed before it has played. They go when its audio is in.
   */
  let firstArrived = false;

  const fetchUpTo = (wanted: number) => {
    const index = firstArrived ? wanted : 0;
    for (let i = audio.length; i <= index && i < sentences.length; i++) {
      if (i === 0 && !marked) {
        marked = true;
        performance.mark("voice:first-sentence");
      }
      const request = synthesize(sentences[i], choice, abort.signal);
      request.catch(() => {}); // Read (and reported) in order by the loop below.
      if (i === 0)
        void request.then(
          () => {
            firstArrived = true;
            if (!stopped) fetchUpTo(current + AHEAD);
          },
          () => {},
        );
      audio.push(request);
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
    for (let i = 0; ; i++) {
      current = i;
      while (i >= sentences.length && !complete && !stopped) {
        onState({ phase: "waiting", sentence: i });
        await new Promise<void>((resolve) => (wake = resolve));
      }
      if (stopped) return onState({ phase: "stopped" });
      if (i >= sentences.length) return onState({ phase: "done" });
      fetchUpTo(i + AHEAD);
      if (i === 0 || !source) onState({ phase: "waiting", sentence: i });
      const bytes = await audio[i];
      if (stopped) return onState({ phase: "stopped" });
      const buffer = await ctx.decodeAudioData(bytes);
      if (stopped) return onState({ phase: "stopped" });
      if (i === 0) performance.mark("voice:first-audio");
      onState({ phase: "playing", sentence: i, total: sentences.length, complete });
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
      fetchUpTo(current + AHEAD);
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
