/**
 * Merges the Workers AI text events (`data: {"response":"..."}`) that arrive in one read of the
 * upstream body into one; every other line (usage, tool calls, `[DONE]`, anything unknown) passes
 * through in order. Why: each event costs a full trip through workers-ai-provider, streamText and
 * toUIMessageStream, so when the upstream outpaces the Worker that per-event cost caps throughput.
 * Nothing waits for more input: a chunk's complete lines go out before the next chunk is read.
 * workerd hands out one HTTP chunk per read of a fetch body, one pending read at a time, so this
 * merges what an upstream packs into one chunk (the local engine batches); one event per chunk gains nothing.
 */
export function coalesceSse(): TransformStream<Uint8Array, Uint8Array> {
  const decoder = new TextDecoder();
  const encoder = new TextEncoder();
  let partial = "";
  return new TransformStream({
    transform(chunk, controller) {
      const text = partial + decoder.decode(chunk, { stream: true });
      const end = text.lastIndexOf("\n") + 1;
      partial = text.slice(end);
      if (end === 0) return;
      const out = coalesceLines(text.slice(0, end));
      if (out) controller.enqueue(encoder.encode(out));
    },
    flush(controller) {
      const rest = partial + decoder.decode();
      if (rest) controller.enqueue(encoder.encode(rest));
    },
  });
}

/** Complete lines in, the same lines out with each run of two or more text events merged. */
function coalesceLines(text: string): string {
  let out = "";
  // The current run of text events: their raw lines (blank separators included) and their text.
  let raw = "";
  let merged = "";
  let events = 0;
  const endRun = () => {
    out += events > 1 ? `data: ${JSON.stringify({ response: merged })}\n\n` : raw;
    raw = merged = "";
    events = 0;
  };
  let start = 0;
  for (let nl = text.indexOf("\n"); nl !== -1; start = nl + 1, nl = text.indexOf("\n", start)) {
    const line = text.slice(start, nl + 1);
    const piece = textOf(line);
    if (piece !== undefined) {
      raw += line;
      merged += piece;
      events++;
    } else if (events > 0 && line.trim() === "") {
      raw += line; // the blank line that ends an event: the merged event brings its own
    } else {
      if (events > 0) endRun();
      out += line;
    }
  }
  if (events > 0) endRun();
  return out;
}

/** The text of a `data:` line that carries nothing but text, or undefined. */
function textOf(line: string): string | undefined {
  if (!line.startsWith("data:")) return undefined;
  let event: unknown;
  try {
    event = JSON.parse(line.slice(5));
  } catch {
    return undefined; // [DONE], or not JSON: passed on for the parser to judge
  }
  if (typeof event !== "object" || event === null || Array.isArray(event)) return undefined;
  const { response, p: _padding, tool_calls, ...rest } = event as Record<string, unknown>;
  if (typeof response !== "string" || Object.keys(rest).length > 0) return undefined;
  if (tool_calls !== undefined && !(Array.isArray(tool_calls) && tool_calls.length === 0)) return undefined;
  return response;
}
