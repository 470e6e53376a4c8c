/**
 * Everything voice does, loaded on first use (a dynamic import from the buttons): the chat page's first
 * load carries only the buttons (bench/bundle.ts holds it under 150 KB gzipped).
 */
export { SPEECH_LIMITS, SPEECH_MODELS, DEFAULT_SPEECH_MODEL, findSpeechModel } from "../../contract/speech";
export { audioContext, microphoneProblem, startRecording, type Recording } from "./recorder";
export { startReading, type Reading, type ReadingState } from "./reader";
export { listenForTurn, openEar, type Ear, type Listening } from "./listen";
export { transcribe } from "./speech-api";
