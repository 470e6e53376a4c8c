import { LOCAL_ENGINE_NO_VISION_MODEL } from "../../contract/local-engine";
import { CODES, EngineError } from "../errors";
import { QueuedChild, type JobMessage } from "../queued-child";
import type { CaptionRequest, ChildConfig, FromChild, Usage } from "./protocol";

/**
 * Owns the vision child for one model directory: starts it, runs one caption at a time (ONNX
 * runs are CPU-bound; two at once only make both slower), relays words, and turns a dead child
 * into an error for whoever was waiting. A dead child is started again on the next request.
 */

const CHILD_MODULE = new URL("./child.ts", import.meta.url);

export interface CaptionHandlers {
  onToken(text: string): void;
  onDone(usage: Usage): void;
  onError(err: EngineError): void;
}

export class VisionRunner extends QueuedChild<CaptionRequest, CaptionHandlers, FromChild> {
  constructor(private readonly modelDir: string) {
    super(CHILD_MODULE);
  }

  protected childConfig(): ChildConfig {
    return { modelDir: this.modelDir };
  }

  protected loadProblem(reason: string): string {
    return reason;
  }

  protected onJobMessage(msg: JobMessage<FromChild>): void {
    const job = this.current;
    if (!job || job.id !== msg.id) return;
    if (msg.type === "token") return job.handlers.onToken(msg.text);
    this.current = undefined;
    if (msg.type === "done") job.handlers.onDone(msg.usage);
    else job.handlers.onError(new EngineError(CODES.modelProcessFailed, 500, `The local vision model failed: ${msg.message}`));
    this.pump();
  }

  protected crashError(how: string): EngineError {
    return new EngineError(
      CODES.modelProcessFailed,
      500,
      `The local vision process stopped (${how}) while answering. The next request starts it again.`,
    );
  }

  protected noModelError(problem: string): EngineError {
    return noVisionModel(`Could not load the vision model in ${this.modelDir} (${problem}).`);
  }
}

/** Why there is no vision answer, with what a person does about it (HTTP 503, code 9903). */
export function noVisionModel(reason: string): EngineError {
  return new EngineError(
    LOCAL_ENGINE_NO_VISION_MODEL,
    503,
    `${reason} Download a transformers.js image-to-text model (see engine/vision/README.md), set LOCAL_VISION_MODEL_DIR to its folder and restart \`npm run dev\`.`,
  );
}
