import type { ImageJob } from "./pipeline";

/** Messages between the engine and the image child, over the fork IPC channel ("advanced" serialisation carries bytes). */
export type ToChild = { type: "run"; id: number; request: ImageJob } | { type: "abort"; id: number };

export type FromChild =
  | { type: "ready" }
  | { type: "load-error"; message: string }
  | { type: "done"; id: number; png: Uint8Array }
  | { type: "error"; id: number; message: string };

export interface ChildConfig {
  modelDir: string;
  threads: number;
}
