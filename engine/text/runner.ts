import type { ChildProcess } from "node:child_process";
import { EventEmitter } from "node:events";
import { basename } from "node:path";
import { forkChild, stopChild } from "../child-process";
import { CODES, EngineError } from "../errors";
import type { ChildConfig, FromChild, GenerateRequest, StopReason, ToChild, Usage } from "./protocol";

/**
 * Owns the inference child for one GGUF file: starts it, queues requests (one generation at a
 * time), relays tokens, and turns a dead child into an error for whoever was waiting. A dead child
 * is started again on the next request.
 */

const CHILD_MODULE = new URL("./child.ts", import.meta.url);

export interface RunHandlers {
  onStart(promptTokens: number): void;
  /** One or more text pieces, in order (the child batches pieces that arrive within a millisecond). */
  onTokens(texts: string[]): void;
  onDone(usage: Usage, stopReason: StopReason): void;
  onError(err: EngineError): void;
}

/** Emitted as "run-end" when a generation finishes, however it finished. */
export interface RunEnd {
  id: number;
  stopReason: StopReason | "error";
  completionTokens: number;
}

interface Job {
  id: number;
  request: GenerateRequest;
  handlers: RunHandlers;
}

let nextId = 1;

export class TextRunner {
  readonly modelFile: string;
  private child?: ChildProcess;
  private ready = false;
  private problem?: string;
  private queue: Job[] = [];
  private current?: Job;
  private closed = false;

  constructor(
    readonly modelPath: string,
    private readonly threads: number,
    /** Receives "child-start" (pid), "run-start" ({id, pid}) and "run-end" (RunEnd). */
    private readonly events: EventEmitter,
  ) {
    this.modelFile = basename(modelPath);
  }

  status(): { ready: boolean; problem?: string } {
    return { ready: this.ready, ...(this.problem ? { problem: this.problem } : {}) };
  }

  /** Loads the model ahead of the first request. */
  start(): void {
    if (this.child || this.closed) return;
    const config: ChildConfig = { modelPath: this.modelPath, threads: this.threads };
    const child = forkChild(CHILD_MODULE, config);
    this.child = child;
    this.ready = false;
    child.on("message", (msg: FromChild) => this.onMessage(msg));
    child.on("exit", (code, signal) => this.onExit(child, signal ?? `exit code ${code}`));
    this.events.emit("child-start", child.pid);
  }

  /** Queues a generation; the returned function cancels it (queued or running). */
  run(request: GenerateRequest, handlers: RunHandlers): () => void {
    if (this.closed) {
      handlers.onError(new EngineError(CODES.modelProcessFailed, 503, "The local engine is shutting down."));
      return () => {};
    }
    const job: Job = { id: nextId++, request, handlers };
    this.queue.push(job);
    this.start();
    this.pump();
    return () => {
      if (this.current === job) this.send({ type: "abort", id: job.id });
      else if (this.queue.includes(job)) {
        this.queue = this.queue.filter((j) => j !== job);
        this.events.emit("run-end", { id: job.id, stopReason: "abort", completionTokens: 0 } satisfies RunEnd);
      }
    };
  }

  async close(): Promise<void> {
    this.closed = true;
    await stopChild(this.child);
  }

  private send(msg: ToChild): void {
    if (this.child?.connected) this.child.send(msg);
  }

  private pump(): void {
    if (!this.ready || this.current) return;
    const job = this.queue.shift();
    if (!job) return;
    this.current = job;
    this.send({ type: "run", id: job.id, request: job.request });
    this.events.emit("run-start", { id: job.id, pid: this.child?.pid });
  }

  private finish(job: Job, stopReason: RunEnd["stopReason"], completionTokens: number): void {
    this.current = undefined;
    this.events.emit("run-end", { id: job.id, stopReason, completionTokens } satisfies RunEnd);
    this.pump();
  }

  private onMessage(msg: FromChild): void {
    if (msg.type === "ready") {
      this.ready = true;
      this.problem = undefined;
      return this.pump();
    }
    if (msg.type === "load-error") {
      this.problem = loadProblem(this.modelFile, msg.message);
      return;
    }
    const job = this.current;
    if (!job || job.id !== msg.id) return;
    if (msg.type === "start") job.handlers.onStart(msg.promptTokens);
    else if (msg.type === "tokens") job.handlers.onTokens(msg.texts);
    else if (msg.type === "done") {
      job.handlers.onDone(msg.usage, msg.stopReason);
      this.finish(job, msg.stopReason, msg.usage.completion_tokens);
    } else {
      job.handlers.onError(new EngineError(msg.code, msg.status, msg.message));
      this.finish(job, "error", 0);
    }
  }

  private onExit(child: ChildProcess, how: string): void {
    if (this.child !== child) return;
    const wasReady = this.ready;
    this.child = undefined;
    this.ready = false;
    const job = this.current;
    if (job) {
      this.current = undefined;
      job.handlers.onError(
        new EngineError(CODES.modelProcessFailed, 500, `The local model process stopped (${how}) while answering. The next request starts it again.`),
      );
      this.events.emit("run-end", { id: job.id, stopReason: "error", completionTokens: 0 } satisfies RunEnd);
    }
    if (this.closed) return;
    if (!wasReady) {
      this.problem ??= loadProblem(this.modelFile, `the model process stopped: ${how}`);
      const waiting = this.queue;
      this.queue = [];
      for (const j of waiting) j.handlers.onError(noModelError(this.problem));
    } else if (this.queue.length) {
      this.start();
    }
  }
}

function loadProblem(file: string, reason: string): string {
  return `Could not load ${file} (${reason.replace(/\.$/, "")}). Point LOCAL_TEXT_MODEL at a working GGUF file and restart \`npm run dev\`.`;
}

export function noModelError(problem: string): EngineError {
  return new EngineError(CODES.noModel, 503, problem);
}
