import type { ChildProcess } from "node:child_process";
import type { EventEmitter } from "node:events";
import { basename } from "node:path";
import { CODES, EngineError } from "../errors";
import { QueuedChild, type JobMessage, type QueuedJob } from "../queued-child";
import type { ChildConfig, FromChild, GenerateRequest, GeneratedToolCall, StopReason, Usage } from "./protocol";

/**
 * Owns the inference child for one GGUF file (queueing: QueuedChild): relays tokens, and turns a
 * dead child into an error for whoever was waiting. A dead child is started again on the next request.
 */

const CHILD_MODULE = new URL("./child.ts", import.meta.url);

export interface RunHandlers {
  onStart(promptTokens: number): void;
  /** One or more text pieces, in order (pieces the child produced in the same event-loop turn). */
  onTokens(texts: string[]): void;
  /** Thinking pieces, in order with the text pieces. */
  onReasoning(texts: string[]): void;
  /** The calls the model made, once, before onDone. */
  onToolCalls(calls: GeneratedToolCall[]): void;
  onDone(usage: Usage, stopReason: StopReason): void;
  onError(err: EngineError): void;
}

/** Emitted as "run-end" when a generation finishes, however it finished. */
export interface RunEnd {
  id: number;
  stopReason: StopReason | "error";
  completionTokens: number;
}

type Job = QueuedJob<GenerateRequest> & { handlers: RunHandlers };

export class TextRunner extends QueuedChild<GenerateRequest, RunHandlers, FromChild> {
  readonly modelFile: string;

  constructor(
    readonly modelPath: string,
    private readonly threads: number,
    /** Receives "child-start" (pid), "run-start" ({id, pid}) and "run-end" (RunEnd). */
    private readonly events: EventEmitter,
  ) {
    super(CHILD_MODULE);
    this.modelFile = basename(modelPath);
  }

  protected childConfig(): ChildConfig {
    return { modelPath: this.modelPath, threads: this.threads };
  }

  protected onChildStart(child: ChildProcess): void {
    this.events.emit("child-start", child.pid);
  }

  protected onRunStart(job: QueuedJob<GenerateRequest>): void {
    this.events.emit("run-start", { id: job.id, pid: this.child?.pid });
  }

  protected onQueuedCancel(job: QueuedJob<GenerateRequest>): void {
    this.events.emit("run-end", { id: job.id, stopReason: "abort", completionTokens: 0 } satisfies RunEnd);
  }

  private finish(job: Job, stopReason: RunEnd["stopReason"], completionTokens: number): void {
    this.current = undefined;
    this.events.emit("run-end", { id: job.id, stopReason, completionTokens } satisfies RunEnd);
    this.pump();
  }

  protected loadProblem(reason: string): string {
    return loadProblem(this.modelFile, reason);
  }

  protected onJobMessage(msg: JobMessage<FromChild>): void {
    const job = this.current;
    if (!job || job.id !== msg.id) return;
    if (msg.type === "start") job.handlers.onStart(msg.promptTokens);
    else if (msg.type === "tokens") job.handlers.onTokens(msg.texts);
    else if (msg.type === "reasoning") job.handlers.onReasoning(msg.texts);
    else if (msg.type === "toolCalls") job.handlers.onToolCalls(msg.calls);
    else if (msg.type === "done") {
      job.handlers.onDone(msg.usage, msg.stopReason);
      this.finish(job, msg.stopReason, msg.usage.completion_tokens);
    } else {
      job.handlers.onError(new EngineError(msg.code, msg.status, msg.message));
      this.finish(job, "error", 0);
    }
  }

  protected crashError(how: string): EngineError {
    return new EngineError(
      CODES.modelProcessFailed,
      500,
      `The local model process stopped (${how}) while answering. The next request starts it again.`,
    );
  }

  protected noModelError(problem: string): EngineError {
    return noModelError(problem);
  }

  protected onCrashed(job: QueuedJob<GenerateRequest>): void {
    this.events.emit("run-end", { id: job.id, stopReason: "error", completionTokens: 0 } satisfies RunEnd);
  }
}

function loadProblem(file: string, reason: string): string {
  return `Could not load ${file} (${reason.replace(/\.$/, "")}). Point LOCAL_TEXT_MODEL at a working GGUF file and restart \`npm run dev\`.`;
}

export function noModelError(problem: string): EngineError {
  return new EngineError(CODES.noModel, 503, problem);
}
