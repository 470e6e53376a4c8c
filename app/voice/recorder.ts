/**
 * The microphone: one stream with an AnalyserNode on it (the level meter and the silence detector read
 * it), and recordings on that stream with MediaRecorder (Opus in WebM where the browser has it).
 * Lazily loaded with the rest of voice.
 */

/** Opus first: the smallest upload for speech, and what Chromium and Firefox record; Safari records MP4/AAC. */
const TYPES = ["audio/webm;codecs=opus", "audio/ogg;codecs=opus", "audio/webm", "audio/mp4"];

export interface Microphone {
  /** 0..1, the loudness of the last ~20 ms (RMS of the waveform, scaled so speech reaches ~0.3 and more). */
  level(): number;
  close(): void;
}

export interface Recording {
  level(): number;
  /** Milliseconds since the recording started. */
  elapsed(): number;
  /** Stops and answers the audio recorded. */
  stop(): Promise<Blob>;
  /** Stops and throws the audio away. */
  cancel(): void;
}

/** Why the microphone could not be used, in words a person can act on. */
export function microphoneProblem(error: unknown): string {
  const name = (error as { name?: string } | undefined)?.name;
  if (name === "NotAllowedError" || name === "SecurityError")
    return "The microphone is not allowed for this site. Allow it in the browser's site settings (the icon beside the address), then try again, or type instead.";
  if (name === "NotFoundError" || name === "OverconstrainedError")
    return "No microphone was found. Connect one and try again, or type instead.";
  if (name === "NotReadableError" || name === "AbortError")
    return "The microphone is in use by another program or could not be started. Close that program and try again.";
  if (name === "NoMediaDevices") return "This browser cannot record here (recording needs a secure https page). Type instead.";
  return "The microphone could not be started. Try again, or type instead.";
}

let context: AudioContext | undefined;
/** One AudioContext for the page, made (or resumed) inside the press that needs it: browsers only allow sound after a gesture. */
export function audioContext(): AudioContext {
  context ??= new AudioContext();
  if (context.state === "suspended") void context.resume();
  return context;
}

export interface OpenMicrophone extends Microphone {
  stream: MediaStream;
}

export async function openMicrophone(): Promise<OpenMicrophone> {
  if (!navigator.mediaDevices?.getUserMedia || typeof MediaRecorder === "undefined") {
    throw Object.assign(new Error("no media devices"), { name: "NoMediaDevices" });
  }
  // The browser's echo cancellation keeps an answer being read aloud out of the microphone (voice mode's barge-in).
  const stream = await navigator.mediaDevices.getUserMedia({
    audio: { echoCancellation: true, noiseSuppression: true, autoGainControl: true },
  });
  const ctx = audioContext();
  const source = ctx.createMediaStreamSource(stream);
  const analyser = ctx.createAnalyser();
  analyser.fftSize = 1024;
  source.connect(analyser);
  const samples = new Float32Array(analyser.fftSize);
  return {
    stream,
    level() {
      analyser.getFloatTimeDomainData(samples);
      let sum = 0;
      for (const s of samples) sum += s * s;
      return Math.min(1, Math.sqrt(sum / samples.length) * 4);
    },
    close() {
      source.disconnect();
      for (const track of stream.getTracks()) track.stop();
    },
  };
}

/** Records from an open microphone; `ownsMicrophone` closes it when the recording ends (dictation). */
export function record(mic: OpenMicrophone, ownsMicrophone: boolean): Recording {
  const mimeType = TYPES.find((t) => MediaRecorder.isTypeSupported(t));
  const recorder = new MediaRecorder(mic.stream, { ...(mimeType ? { mimeType } : {}), audioBitsPerSecond: 32_000 });
  const chunks: Blob[] = [];
  recorder.ondataavailable = (e) => {
    if (e.data.size) chunks.push(e.data);
  };
  const started = performance.now();
  recorder.start(250);
  const release = () => {
    if (ownsMicrophone) mic.close();
  };
  return {
    level: mic.level,
    elapsed: () => performance.now() - started,
    stop() {
      return new Promise<Blob>((resolve) => {
        const done = () => {
          release();
          resolve(new Blob(chunks, { type: recorder.mimeType }));
        };
        if (recorder.state === "inactive") return done();
        recorder.onstop = done;
        recorder.stop();
      });
    },
    cancel() {
      if (recorder.state !== "inactive") recorder.stop();
      release();
    },
  };
}

/** Dictation: the microphone for one recording. */
export async function startRecording(): Promise<Recording> {
  return record(await openMicrophone(), true);
}
