import { homedir } from "node:os";
import { basename, join, resolve } from "node:path";
import { findChatModel } from "../../contract/models";

/**
 * Which local GGUF answers for the catalog's chat model ids. One file stands in for all of them:
 * the configured one if set, otherwise the downloaded Llama 3.2 1B Instruct. Each answer names the
 * file in `x-local-engine-model`, so nobody mistakes it for the model that was asked for.
 */

export const DEFAULT_TEXT_MODEL_URL =
  "https://huggingface.co/bartowski/Llama-3.2-1B-Instruct-GGUF/resolve/main/Llama-3.2-1B-Instruct-Q4_K_M.gguf";

export interface TextModelOptions {
  textModelPath?: string;
  cacheDir?: string;
  downloadUrl?: string;
}

export interface TextModelChoice {
  path: string;
  /** Only when nothing is configured: where the cached file comes from. */
  downloadUrl?: string;
}

export function isTextModelId(id: string): boolean {
  return findChatModel(id) !== undefined;
}

export function defaultCacheDir(): string {
  return process.env.LOCAL_MODEL_CACHE || join(homedir(), ".cache", "workers-ai-chat", "models");
}

export function chooseTextModel(opts: TextModelOptions): TextModelChoice {
  const configured = opts.textModelPath || process.env.LOCAL_TEXT_MODEL;
  if (configured) return { path: resolve(configured) };
  const url = opts.downloadUrl || process.env.LOCAL_TEXT_MODEL_URL || DEFAULT_TEXT_MODEL_URL;
  return { path: join(resolve(opts.cacheDir || defaultCacheDir()), cacheFileName(url)), downloadUrl: url };
}

function cacheFileName(url: string): string {
  if (/^https?:/.test(url)) return decodeURIComponent(basename(new URL(url).pathname));
  return `${url.replace(/[^\w.-]+/g, "_")}.gguf`;
}
