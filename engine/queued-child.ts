import type { ChildProcess } from "node:child_process";
import { forkChild, stopChild } from "./child-process";
import { CODES, EngineError } from "./errors";

/** What every queued job carries: an id the child echoes back, and a way to fail it. */
export interface QueuedJob<Request> {
  id: number;
  request: Request;
  handlers: { onError(err: EngineError): void };
}

let nextId = 1;

/** What every child says once: ready, or why its model would not load. */
type LifecycleMessage = { type: "ready" } | { type: "load-error"; message: string };
/** Everything else a child sends: messages about the job under way. */
export type JobMessage<FromChild> = Exclude<FromChild, { type: "ready" } | { type: "load-error" }>;

/**
 * A runtime child that answers one job at a time (inference is CPU-bound: two at once only make both
 * slower): starts the child, queues jobs, sends the next when the child is ready and idle, cancels a
 * job whether it is queued or running, and turns a dead child into errors for whoever was waiting.
 * A child answers every job it was sent, aborted or not, with a last message. Subclasses read the
 * job messages and word the errors.
 */
export abstract class QueuedChild<Request, Handlers extends QueuedJob<Request>["handlers"], FromChild extends { type: string }> {
  protected child?: ChildProcess;
  protected ready = false;
  protected problem?: string;
  protected queue: QueuedJob<Request>[] = [];
  protected current?: QueuedJob<Request> & { handlers: Handlers };
  protected closed = false;

  constructor(
    private readonly childModule: URL,
    private readonly forkOptions: { serialization?: "json" | "advanced" } = {},
  ) {}

  status(): { ready: boolean; problem?: string } {
    return { ready: this.ready, ...(this.problem ? { problem: this.problem } : {}) };
  }

  /** Starts the child (and so loads the model) ahead of the first job. */
  start(): void {
    if (this.child || this.closed) return;
    const child = forkChild(this.childModule, this.childConfig(), this.forkOptions);
    this.child = child;
    this.ready = false;
    child.on("message", (msg: FromChild | LifecycleMessage) => this.onMessage(msg));
    child.on("exit", (code, signal) => this.onExit(child, signal ?? `exit code ${code}`));
    this.onChildStart(child);
  }

  /** Queues a job; the returned function cancels it, queued or running. */
  run(request: Request, handlers: Handlers): () => void {
    if (this.closed) {
      handlers.onError(new EngineError(CODES.modelProcessFailed, 503, "The local engine is shutting down."));
      return () => {};
    }
    const job = { id: nextId++, request, handlers };
    this.queue.push(job);
    this.start();
    this.pump();
    return () => {
      if (this.current === job) this.child?.connected && this.child.send({ type: "abort", id: job.id });
      else if (this.queue.includes(job)) {
        this.queue = this.queue.filter((j) => j !== job);
        this.onQueuedCancel(job);
      }
    };
  }

  async close(): Promise<void> {
    this.closed = true;
    await stopChild(this.child);
  }

  /** Sends the next job once the child is ready and idle. */
  protected pump(): void {
    if (!this.ready || this.current) return;
    const job = this.queue.shift() as (QueuedJob<Request> & { handlers: Handlers }) | undefined;
    if (!job) return;
    this.current = job;
    if (this.child?.connected) this.child.send({ type: "run", id: job.id, request: job.request });
    this.onRunStart(job);
  }

  private onMessage(msg: FromChild | LifecycleMessage): void {
    if (msg.type === "ready") {
      this.ready = true;
      this.problem = undefined;
      return this.pump();
    }
    if (msg.type === "load-error" && "message" in msg) {
      this.problem = this.loadProblem(msg.message);
      return;
    }
    this.onJobMessage(msg as JobMessage<FromChild>);
  }

  /**
   * The child died. The job under way fails; if the model never loaded, every queued job fails too,
   * with the reason. After a crash a new child starts at once for the jobs still queued; after a
   * failed load, only when the next job arrives (someone may have fixed the files meanwhile).
   */
  private onExit(child: ChildProcess, how: string): void {
    if (this.child !== child) return;
    const wasReady = this.ready;
    this.child = undefined;
    this.ready = false;
    const job = this.current;
    if (job) {
      this.current = undefined;
      job.handlers.onError(this.crashError(how));
      this.onCrashed(job);
    }
    if (this.closed) return;
    if (!wasReady) {
      this.problem ??= this.loadProblem(`the model process stopped: ${how}`);
      const waiting = this.queue;
      this.queue = [];
      for (const queued of waiting) queued.handlers.onError(this.noModelError(this.problem));
    } else if (this.queue.length) {
      this.start();
    }
  }

  protected abstract childConfig(): unknown;
  /** The sentence a person reads when the model would not load, from the child's reason. */
  protected abstract loadProblem(reason: string): string;
  /** A message about the job under way (tokens, done, error). */
  protected abstract onJobMessage(msg: JobMessage<FromChild>): void;
  /** The error for a job whose child died under it. */
  protected abstract crashError(how: string): EngineError;
  /** The error for jobs that waited on a model that would not load. */
  protected abstract noModelError(problem: string): EngineError;
  protected onCrashed(_job: QueuedJob<Request>): void {}
  protected onChildStart(_child: ChildProcess): void {}
  protected onRunStart(_job: QueuedJob<Request>): void {}
  protected onQueuedCancel(_job: QueuedJob<Request>): void {}
}
