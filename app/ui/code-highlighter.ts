import type { CodeHighlighterPlugin, HighlightResult, ThemeInput } from "streamdown";
import type { HighlightRequest, HighlightResponse } from "./highlight-protocol";

/*
 * Streamdown's code-highlighter plugin, with Shiki running in a Web Worker (highlight.worker.ts).
 * On the main thread, Shiki compiled each grammar's regular expressions in one long task the first
 * time a language appeared and tokenized every streamed code block update (bench/README.md has
 * the figures). Here a block shows plain until its
 * tokens come back, usually a few milliseconds later.
 */
const DEFAULT_THEMES: [string, string] = ["github-light", "github-dark"];
const CACHE_SIZE = 300;

const themeName = (theme: ThemeInput, fallback: string) => (typeof theme === "string" ? theme : (theme.name ?? fallback));

export function createWorkerHighlighter(): CodeHighlighterPlugin | undefined {
  if (typeof Worker === "undefined") return undefined;
  let worker: Worker;
  try {
    worker = new Worker(new URL("./highlight.worker.ts", import.meta.url), { type: "module", name: "highlighter" });
  } catch {
    return undefined; // Without highlighting, code blocks still render as plain text.
  }

  let nextId = 0;
  const waiting = new Map<number, { key: string; incomplete: boolean }>();
  const callbacks = new Map<string, Set<(result: HighlightResult) => void>>();
  // Finished blocks only: a streaming block's result is superseded by its next update.
  const cache = new Map<string, HighlightResult>();

  worker.onmessage = (event: MessageEvent<HighlightResponse>) => {
    const { id, result } = event.data;
    const request = waiting.get(id);
    if (!request) return;
    waiting.delete(id);
    const listeners = callbacks.get(request.key);
    callbacks.delete(request.key);
    if (!result) return;
    if (!request.incomplete) {
      cache.set(request.key, result);
      if (cache.size > CACHE_SIZE) cache.delete(cache.keys().next().value!);
    }
    for (const callback of listeners ?? []) callback(result);
  };
  worker.onerror = () => {
    // The worker could not start (or died): leave every block plain rather than retry forever.
    waiting.clear();
    callbacks.clear();
  };

  return {
    name: "shiki",
    type: "code-highlighter",
    getThemes: () => DEFAULT_THEMES,
    // Streamdown does not ask; the worker falls back to plain text for languages Shiki lacks.
    supportsLanguage: () => true,
    getSupportedLanguages: () => [],
    highlight({ code, language, themes, isIncomplete = false }, callback) {
      const names: [string, string] = [themeName(themes[0], DEFAULT_THEMES[0]), themeName(themes[1], DEFAULT_THEMES[1])];
      const key = `${language}:${names[0]}:${names[1]}\n${code}`;
      const hit = cache.get(key);
      if (hit) {
        cache.delete(key);
        cache.set(key, hit);
        return hit;
      }
      let listeners = callbacks.get(key);
      const inFlight = listeners !== undefined;
      if (!listeners) callbacks.set(key, (listeners = new Set()));
      if (callback) listeners.add(callback);
      if (!inFlight) {
        const id = nextId++;
        waiting.set(id, { key, incomplete: isIncomplete });
        worker.postMessage({ id, code, language, themes: names, isIncomplete } satisfies HighlightRequest);
      }
      return null;
    },
  };
}
