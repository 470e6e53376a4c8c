import { EventEmitter } from "node:events";
import { existsSync } from "node:fs";
import { basename } from "node:path";
import type { EngineError } from "../errors";
import { downloadTextModel } from "./download";
import { DEFAULT_TEXT_MODEL_URL, type TextModelChoice } from "./registry";
import { noModelError, TextRunner } from "./runner";

export interface TextStatus {
  ready: boolean;
  textModel?: string;
  problem?: string;
  downloading?: { percent: number };
}

const WHAT_TO_DO =
  "Set LOCAL_TEXT_MODEL=/path/to/model.gguf and restart `npm run dev`, or start it once while online to download Llama 3.2 1B Instruct (about 800 MB).";

/** Gets the chosen text model onto disk (downloading it if need be) and into a runner. */
export class TextModelManager {
  private runner?: TextRunner;
  private problem?: string;
  private downloadPercent?: number;
  private readonly downloadAbort = new AbortController();
  /** The runner's events (see TextRunner), for logs and tests. */
  readonly events = new EventEmitter();

  constructor(
    private readonly choice: TextModelChoice,
    private readonly opts: { threads: number; download: boolean },
  ) {}

  start(): void {
    const { path, downloadUrl } = this.choice;
    if (existsSync(path)) return this.useFile(path);
    if (!downloadUrl) {
      this.problem = `LOCAL_TEXT_MODEL points to ${path}, which does not exist. Set it to a GGUF file and restart \`npm run dev\`.`;
    } else if (!this.opts.download) {
      this.problem = `The local engine has no text model. ${WHAT_TO_DO}`;
    } else {
      void this.download(downloadUrl, path);
    }
  }

  status(): TextStatus {
    if (this.downloadPercent !== undefined) {
      return { ready: false, textModel: basename(this.choice.path), downloading: { percent: this.downloadPercent } };
    }
    if (this.runner) return { ...this.runner.status(), textModel: this.runner.modelFile };
    return { ready: false, ...(this.problem ? { problem: this.problem } : {}) };
  }

  /** The runner to send a request to, or the 9901 error that explains why there is none. */
  current(): TextRunner | EngineError {
    if (this.runner) return this.runner;
    if (this.downloadPercent !== undefined) {
      return noModelError(
        `The local engine is still downloading ${basename(this.choice.path)} (${Math.floor(this.downloadPercent)}%). Try again when it finishes; GET /local/status shows progress.`,
      );
    }
    return noModelError(this.problem ?? `The local engine has no text model. ${WHAT_TO_DO}`);
  }

  async close(): Promise<void> {
    this.downloadAbort.abort();
    await this.runner?.close();
  }

  private useFile(path: string): void {
    this.runner = new TextRunner(path, this.opts.threads, this.events);
    this.runner.start();
  }

  private async download(url: string, target: string): Promise<void> {
    this.downloadPercent = 0;
    try {
      await downloadTextModel({ url, target, signal: this.downloadAbort.signal, onProgress: (p) => (this.downloadPercent = p) });
      this.downloadPercent = undefined;
      if (!this.downloadAbort.signal.aborted) this.useFile(target);
    } catch (err) {
      this.downloadPercent = undefined;
      const what = url === DEFAULT_TEXT_MODEL_URL ? "Llama 3.2 1B Instruct" : basename(target);
      this.problem = `Could not download ${what} from ${url} (${(err as Error).message}). ${WHAT_TO_DO}`;
    }
  }
}
