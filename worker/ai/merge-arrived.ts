/**
 * A streamed Workers AI answer (SSE bytes) with the text events that have already arrived, and not
 * yet been read, merged into one. The AI SDK's pipeline (workers-ai-provider + streamText + the UI
 * message stream) costs about as much per event as the whole budget of a token at 5,000 tokens/s;
 * when it falls behind, the upstream's events pile up unread, and merging them makes its cost per
 * read instead of per token, so it catches up. Nothing is held back: a read takes whatever has
 * arrived by then, or waits for the next piece and takes it at once. A model streaming at the speed
 * of a real one (20–200 tokens/s) is read as it comes, one event at a time, unchanged.
 *
 * Only plain text events merge (Workers AI's `{"response": "…"}`, with or without its `p` padding,
 * and the OpenAI-format `{"choices":[{"delta":{"content":"…"}}]}`); anything else (usage, tool
 * calls, reasoning, finish, [DONE]) passes through as it came, in order.
 */
export function mergeArrivedTextEvents(body: ReadableStream<Uint8Array>): ReadableStream<Uint8Array> {
  const reader = body.getReader();
  const decoder = new TextDecoder();
  const encoder = new TextEncoder();
  /** Text that arrived and was not read yet. */
  let arrived = "";
  /** The upstream ended (or broke: `failure`). */
  let ended = false;
  let failure: { error: unknown } | undefined;
  /** Woken when something arrives while a read waits. */
  let wake: (() => void) | undefined;
  let cancelled = false;

  // Reads the upstream as it arrives, whatever the reader downstream is doing: what it has not taken
  // yet waits here, merged, instead of as separate events in the socket. No backpressure is lost
  // that mattered: an answer is bounded by max_tokens, and the answer run keeps it whole anyway.
  const pump = async () => {
    try {
      for (;;) {
        const { done, value } = await reader.read();
        if (done) break;
        arrived += decoder.decode(value, { stream: true });
        wake?.();
      }
      arrived += decoder.decode();
    } catch (error) {
      if (!cancelled) failure = { error };
    }
    ended = true;
    wake?.();
  };
  void pump();

  /** SSE text before the last complete event's end is ready to hand on; the rest waits for more. */
  let carried = "";
  return new ReadableStream<Uint8Array>(
    {
      async pull(controller) {
        for (;;) {
          if (arrived) {
            const text = carried + arrived;
            arrived = "";
            const cut = ended ? text.length : lastEventEnd(text);
            carried = text.slice(cut);
            if (cut > 0) return controller.enqueue(encoder.encode(mergeTextEvents(text.slice(0, cut))));
          }
          if (cancelled) return;
          if (ended) {
            if (failure) return controller.error(failure.error);
            if (carried) controller.enqueue(encoder.encode(carried));
            carried = "";
            return controller.close();
          }
          await new Promise<void>((resolve) => (wake = resolve));
          wake = undefined;
        }
      },
      cancel(reason) {
        cancelled = true;
        return reader.cancel(reason);
      },
    },
    { highWaterMark: 0 },
  );
}

/** Where the last complete SSE event ends (0: none yet). Events end with a blank line (LF or CRLF). */
function lastEventEnd(text: string): number {
  const lf = text.lastIndexOf("\n\n");
  const crlf = text.lastIndexOf("\r\n\r\n");
  return Math.max(lf < 0 ? 0 : lf + 2, crlf < 0 ? 0 : crlf + 4);
}

/**
 * Complete SSE events with each run of adjacent plain text events merged into one event. Events are
 * rewritten only when there is something to merge: a lone event passes through byte for byte.
 */
export function mergeTextEvents(events: string): string {
  // Fast path: one event (the common case when the reader keeps up).
  const first = events.indexOf("\n\n");
  if (first < 0 || first + 2 >= events.length) return events;
  const parts = events.split(/\r?\n\r?\n/);
  let out = "";
  let run: { texts: string[]; shape: TextShape; raw: string } | undefined;
  const flush = () => {
    if (!run) return;
    out += run.texts.length === 1 ? `${run.raw}\n\n` : `data: ${run.shape.wrap(run.texts.join(""))}\n\n`;
    run = undefined;
  };
  for (const part of parts) {
    if (!part) continue;
    const text = textOf(part);
    if (text && run && run.shape.kind === text.shape.kind) {
      run.texts.push(text.text);
      continue;
    }
    flush();
    if (text) run = { texts: [text.text], shape: text.shape, raw: part };
    else out += `${part}\n\n`;
  }
  flush();
  return out;
}

interface TextShape {
  kind: "native" | "openai";
  wrap(text: string): string;
}

/** Merged native text, kept as JSON string contents: escapes are self-contained, so they concatenate as they are. */
const NATIVE: TextShape = { kind: "native", wrap: (jsonContents) => `{"response":"${jsonContents}"}` };
/** Workers AI's text event as it writes it, with or without the `p` padding. */
const NATIVE_EVENT = /^data: ?\{"response":"((?:[^"\\]|\\.)+)"(?:,"p":"[^"\\]*")?\}$/;

/**
 * The text of a plain text event, and how to write a merged one; undefined for any other event.
 * Native text stays JSON-escaped (nothing is parsed per token); OpenAI-format text is decoded.
 */
function textOf(event: string): { text: string; shape: TextShape } | undefined {
  const native = NATIVE_EVENT.exec(event);
  if (native) return { text: native[1], shape: NATIVE };
  // One `data:` line, nothing else (no event name, id or multi-line data).
  if (!event.startsWith("data:") || event.includes("\n")) return undefined;
  const data = event.slice(event[5] === " " ? 6 : 5);
  if (data[0] !== "{") return undefined;
  let value: unknown;
  try {
    value = JSON.parse(data);
  } catch {
    return undefined;
  }
  if (!isRecord(value)) return undefined;
  // OpenAI format: one choice whose delta carries only content, no finish; the envelope is kept.
  const choices = value.choices;
  if (!Array.isArray(choices) || choices.length !== 1 || !isRecord(choices[0]) || value.usage !== undefined) return undefined;
  const choice = choices[0];
  const delta = choice.delta;
  if (!isRecord(choice) || choice.finish_reason != null || !isRecord(delta)) return undefined;
  if (typeof delta.content !== "string" || !delta.content || !Object.keys(delta).every((k) => k === "content" || k === "role"))
    return undefined;
  const envelope = value;
  return {
    text: delta.content,
    shape: {
      kind: "openai",
      wrap: (text) => JSON.stringify({ ...envelope, choices: [{ ...choice, delta: { ...delta, content: text } }] }),
    },
  };
}

function isRecord(value: unknown): value is Record<string, unknown> {
  return typeof value === "object" && value !== null && !Array.isArray(value);
}
