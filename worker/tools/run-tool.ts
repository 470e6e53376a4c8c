import type { Tool, ToolExecutionOptions } from "ai";
import { TOOL_LIMITS } from "../../contract/tools";
import { log } from "../log";
import { capOutput } from "./cap-output";

export interface GuardOptions {
  /** What the person calls the tool ("Calculator"), for the sentence an error becomes. */
  label: string;
  timeoutMs?: number;
  outputChars?: number;
}

/**
 * A tool whose `execute` can never take the answer down: it is given at most `timeoutMs` (its
 * abort signal fires then, and on Stop), its output is capped (cap-output.ts), and whatever it
 * throws becomes an Error with a sentence. The AI SDK turns a thrown error into a tool error
 * (`output-error` with that sentence as `errorText`), which the model reads in the next step and
 * the person sees on the tool's part; the answer goes on.
 */
export function guardTool(tool: Tool, options: GuardOptions): Tool {
  const execute = tool.execute;
  if (!execute) return tool;
  const timeoutMs = options.timeoutMs ?? TOOL_LIMITS.timeoutMs;
  const outputChars = options.outputChars ?? TOOL_LIMITS.outputChars;
  return {
    ...tool,
    execute: async (input: unknown, call: ToolExecutionOptions<never>) => {
      const answer = call.abortSignal;
      const timer = new AbortController();
      const signal = answer ? AbortSignal.any([answer, timer.signal]) : timer.signal;
      let timeout: ReturnType<typeof setTimeout> | undefined;
      const timedOut = new Promise<never>((_, reject) => {
        timeout = setTimeout(() => {
          timer.abort(new Error("timeout"));
          reject(new ToolTimeout());
        }, timeoutMs);
      });
      try {
        const running = Promise.resolve(execute(input as never, { ...call, abortSignal: signal }));
        // A tool that ignores its signal still loses the race; its late result is dropped.
        running.catch(() => {});
        return capOutput(await lastValue(await Promise.race([running, timedOut])), outputChars);
      } catch (error) {
        // Stop: the answer's own abort goes through as it is, so the answer ends as stopped.
        if (answer?.aborted) throw error;
        const sentence = sentenceFor(options.label, error, timeoutMs);
        log("tool.error", { tool: options.label, detail: String(error).slice(0, 300) });
        throw new Error(sentence);
      } finally {
        clearTimeout(timeout);
      }
    },
  } as Tool;
}

class ToolTimeout extends Error {}

/** The sentence the model and the person read. An AppError already has one; anything else is named. */
export function sentenceFor(label: string, error: unknown, timeoutMs: number = TOOL_LIMITS.timeoutMs): string {
  if (error instanceof ToolTimeout) return `${label} took longer than ${Math.round(timeoutMs / 1000)} s and was stopped.`;
  const message = error instanceof Error ? error.message : typeof error === "string" ? error : "";
  const said = message.trim().replace(/\s+/g, " ").slice(0, 500);
  return said ? `${label} failed: ${said}` : `${label} failed without saying why.`;
}

/** A tool may stream preliminary results (an async iterable); the last one is its output. */
async function lastValue(result: unknown): Promise<unknown> {
  if (result && typeof result === "object" && Symbol.asyncIterator in result) {
    let last: unknown;
    for await (const value of result as AsyncIterable<unknown>) last = value;
    return last;
  }
  return result;
}
