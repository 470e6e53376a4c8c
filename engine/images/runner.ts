import { LOCAL_ENGINE_NO_IMAGE_MODEL } from "../../contract/local-engine";
import { CODES, EngineError } from "../errors";
import { QueuedChild, type JobMessage } from "../queued-child";
import type { ImageJob } from "./pipeline";
import type { ChildConfig, FromChild } from "./protocol";

const CHILD_MODULE = new URL("./child.ts", import.meta.url);

export interface ImageHandlers {
  onDone(png: Buffer): void;
  onError(err: EngineError): void;
}

/**
 * Owns the image child for one model folder (queueing and crashes: QueuedChild): starts it on first
 * use, makes one image at a time, and answers each job with its PNG bytes. The child's messages
 * carry bytes, hence the "advanced" IPC serialisation.
 */
export class ImageRunner extends QueuedChild<ImageJob, ImageHandlers, FromChild> {
  constructor(private readonly config: ChildConfig) {
    super(CHILD_MODULE, { serialization: "advanced" });
  }

  /** Queued behind earlier jobs; `signal` cancels it whether queued or running. */
  generate(job: ImageJob, signal: AbortSignal): Promise<Buffer> {
    signal.throwIfAborted();
    return new Promise<Buffer>((resolve, reject) => {
      const settle = (fn: () => void) => {
        signal.removeEventListener("abort", onAbort);
        fn();
      };
      const cancel = this.run(job, { onDone: (png) => settle(() => resolve(png)), onError: (error) => settle(() => reject(error)) });
      const onAbort = () => {
        cancel();
        settle(() => reject(signal.reason));
      };
      signal.addEventListener("abort", onAbort, { once: true });
    });
  }

  protected childConfig(): ChildConfig {
    return this.config;
  }

  protected loadProblem(reason: string): string {
    return `Could not load the image model in ${this.config.modelDir}: ${reason}`;
  }

  protected onJobMessage(msg: JobMessage<FromChild>): void {
    const job = this.current;
    if (!job || job.id !== msg.id) return;
    this.current = undefined;
    if (msg.type === "done") job.handlers.onDone(Buffer.from(msg.png));
    else job.handlers.onError(new EngineError(CODES.modelProcessFailed, 500, `The local image model failed: ${msg.message}`));
    this.pump();
  }

  protected crashError(how: string): EngineError {
    return new EngineError(
      CODES.modelProcessFailed,
      500,
      `The local image model process stopped (${how}) while drawing. The next request starts it again.`,
    );
  }

  protected noModelError(problem: string): EngineError {
    return new EngineError(LOCAL_ENGINE_NO_IMAGE_MODEL, 503, problem);
  }
}
