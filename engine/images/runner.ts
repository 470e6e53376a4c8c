import type { ChildProcess } from "node:child_process";
import { LOCAL_ENGINE_NO_IMAGE_MODEL } from "../../contract/errors";
import { forkChild, stopChild } from "../child-process";
import { CODES, EngineError } from "../errors";
import type { ImageJob } from "./pipeline";
import type { ChildConfig, FromChild, ToChild } from "./protocol";

const CHILD_MODULE = new URL("./child.ts", import.meta.url);

/**
 * Owns the image child for one model folder: starts it on first use, sends it one job at a time,
 * and turns a dead child into an error for the job that was running. The next job starts a new one.
 */
export class ImageRunner {
  private child?: ChildProcess;
  private ready?: Promise<void>;
  private problem?: string;
  private tail: Promise<unknown> = Promise.resolve();
  private nextId = 1;
  private closed = false;
  private readonly waiting = new Map<number, { resolve(png: Buffer): void; reject(error: Error): void }>();

  constructor(private readonly config: ChildConfig) {}

  status(): { ready: boolean; problem?: string } {
    return { ready: this.problem === undefined, ...(this.problem ? { problem: this.problem } : {}) };
  }

  /** Queued behind earlier jobs; `signal` cancels it whether queued or running. */
  generate(job: ImageJob, signal: AbortSignal): Promise<Buffer> {
    const run = this.tail.then(() => this.runNow(job, signal));
    this.tail = run.catch(() => {});
    return run;
  }

  async close(): Promise<void> {
    this.closed = true;
    await stopChild(this.child);
  }

  private async runNow(job: ImageJob, signal: AbortSignal): Promise<Buffer> {
    signal.throwIfAborted();
    if (this.closed) throw new EngineError(CODES.modelProcessFailed, 503, "The local engine is shutting down.");
    await this.start();
    const id = this.nextId++;
    return new Promise<Buffer>((resolve, reject) => {
      const onAbort = () => {
        this.send({ type: "abort", id });
        settle(() => reject(signal.reason));
      };
      const settle = (fn: () => void) => {
        this.waiting.delete(id);
        signal.removeEventListener("abort", onAbort);
        fn();
      };
      this.waiting.set(id, { resolve: (png) => settle(() => resolve(png)), reject: (error) => settle(() => reject(error)) });
      signal.addEventListener("abort", onAbort, { once: true });
      this.send({ type: "run", id, job });
    });
  }

  private start(): Promise<void> {
    if (this.ready) return this.ready;
    const child = forkChild(CHILD_MODULE, this.config, { serialization: "advanced" });
    this.child = child;
    this.ready = new Promise<void>((resolve, reject) => {
      child.on("message", (msg: FromChild) => {
        if (msg.type === "ready") return resolve();
        if (msg.type === "load-error") {
          this.problem = `Could not load the image model in ${this.config.modelDir}: ${msg.message}`;
          return reject(new EngineError(LOCAL_ENGINE_NO_IMAGE_MODEL, 503, this.problem));
        }
        const waiter = this.waiting.get(msg.id);
        if (msg.type === "done") waiter?.resolve(Buffer.from(msg.png));
        else waiter?.reject(new EngineError(CODES.modelProcessFailed, 500, `The local image model failed: ${msg.message}`));
      });
      child.on("exit", (code, signal) => {
        const how = signal ?? `exit code ${code}`;
        reject(new EngineError(LOCAL_ENGINE_NO_IMAGE_MODEL, 503, this.problem ?? `The image model process stopped while loading (${how}).`));
        for (const waiter of this.waiting.values()) {
          waiter.reject(new EngineError(CODES.modelProcessFailed, 500, `The local image model process stopped (${how}) while drawing. The next request starts it again.`));
        }
        this.child = undefined;
        // A load failure stays (the files are wrong until someone fixes them); a crash is retried.
        if (!this.problem) this.ready = undefined;
      });
    });
    return this.ready;
  }

  private send(msg: ToChild): void {
    if (this.child?.connected) this.child.send(msg);
  }
}
