/**
 * TEST DOUBLE of the Workers AI binding, for Worker tests only. It replays streams in the two
 * formats Workers AI really sends (recorded shapes from Cloudflare's docs and the provider's
 * fixtures) and throws errors the way the binding throws them.
 */
const encoder = new TextEncoder();

export function legacyChunks(
  pieces: string[],
  usage = { prompt_tokens: 5, completion_tokens: pieces.length, total_tokens: 5 + pieces.length },
): string[] {
  return [
    ...pieces.map((p, i) => `data: ${JSON.stringify(i === 0 ? { response: p } : { response: p, p: "abcdef".slice(0, i % 6) })}\n\n`),
    `data: ${JSON.stringify({ response: "", usage })}\n\n`,
    "data: [DONE]\n\n",
  ];
}

export function openAiChunks(
  pieces: string[],
  usage = { prompt_tokens: 147, completion_tokens: pieces.length, total_tokens: 147 + pieces.length },
): string[] {
  return [
    ...pieces.map((p) => `data: ${JSON.stringify({ choices: [{ delta: { content: p }, finish_reason: null }] })}\n\n`),
    `data: ${JSON.stringify({ choices: [{ delta: {}, finish_reason: "stop" }] })}\n\n`,
    `data: ${JSON.stringify({ response: "", usage })}\n\n`,
    "data: [DONE]\n\n",
  ];
}

/** A byte stream of SSE lines; `failAfter` breaks it mid-way like a dropped upstream connection. */
export function sseStream(
  chunks: string[],
  options: { failAfter?: number; delayMs?: number; signal?: AbortSignal } = {},
): ReadableStream<Uint8Array> {
  let i = 0;
  return new ReadableStream({
    async pull(controller) {
      if (options.delayMs) await new Promise((r) => setTimeout(r, options.delayMs));
      if (options.signal?.aborted) return controller.error(options.signal.reason);
      if (options.failAfter !== undefined && i === options.failAfter) return controller.error(new Error("upstream connection reset"));
      if (i >= chunks.length) return controller.close();
      controller.enqueue(encoder.encode(chunks[i++]));
    },
  });
}

/**
 * An SSE stream that sends its first `before` chunks, then holds the rest until `release(upTo)` lets
 * chunks through up to index `upTo` (all of them by default). Like a real upstream, it breaks off
 * when the model call is aborted (`signal`, the binding's run option). In a Durable Object, call
 * `release` from the object's own context (runInDurableObject): workerd ties the waiting read to it.
 */
export function heldSseStream(chunks: string[], before: number, signal?: AbortSignal) {
  let limit = before;
  let wake: (() => void) | undefined;
  const aborted = new Promise<void>((r) => signal?.addEventListener("abort", () => r(), { once: true }));
  let i = 0;
  const stream = new ReadableStream<Uint8Array>({
    async pull(controller) {
      while (i >= limit && i < chunks.length && !signal?.aborted) await Promise.race([new Promise<void>((r) => (wake = r)), aborted]);
      if (signal?.aborted) return controller.error(signal.reason);
      if (i >= chunks.length) return controller.close();
      controller.enqueue(encoder.encode(chunks[i++]));
    },
  });
  const release = (upTo = chunks.length) => {
    limit = upTo;
    wake?.();
  };
  return { stream, release };
}

/** The binding's own error shape: `Error("AiError: <code>: <message>")`. */
export function bindingError(code: number, message: string): Error {
  return Object.assign(new Error(`AiError: ${code}: ${message}`), { name: "AiError" });
}

export interface RecordedCall {
  model: string;
  inputs: Record<string, unknown>;
  options?: Record<string, unknown>;
}

/** A `run()` that records its calls and answers with what the test scripted. */
export function recordedRun(answer: (call: RecordedCall) => unknown | Promise<unknown>) {
  const calls: RecordedCall[] = [];
  const run = async (model: string, inputs: Record<string, unknown>, options?: Record<string, unknown>) => {
    const call = { model, inputs, options };
    calls.push(call);
    return answer(call);
  };
  return { run, calls };
}

/** What Workers AI says to a model's first call until its licence is accepted (Llama 3.2 Vision). */
export const licencePromptError = (): Error => bindingError(5016, "Prior to using this model, you must submit the prompt 'agree'");

/**
 * An answer script for a model whose licence is not yet accepted: the first call is refused with
 * 5016, the prompt "agree" is thanked, and every call after that streams `text`.
 */
export function licenceOnceThen(text: string[]) {
  let refused = false;
  return (call: RecordedCall) => {
    if (call.inputs.prompt === "agree") return { response: "Thank you for agreeing." };
    if (!refused) {
      refused = true;
      throw licencePromptError();
    }
    return sseStream(legacyChunks(text));
  };
}

/**
 * A model call that answers with tool calls, in either of the shapes Workers AI streams them:
 * "openai" (newer models: `choices[0].delta.tool_calls`, arguments as a JSON string, then
 * finish_reason "tool_calls") or "native" (`tool_calls` at the top level, arguments as an object).
 */
export function toolCallChunks(
  calls: { id?: string; name: string; arguments: Record<string, unknown> }[],
  format: "openai" | "native" = "openai",
  usage = { prompt_tokens: 300, completion_tokens: 20, total_tokens: 320 },
): string[] {
  const events =
    format === "openai"
      ? [
          ...calls.map((call, index) => ({
            choices: [
              {
                delta: {
                  tool_calls: [
                    {
                      index,
                      id: call.id ?? `call_${index}`,
                      type: "function",
                      function: { name: call.name, arguments: JSON.stringify(call.arguments) },
                    },
                  ],
                },
                finish_reason: null,
              },
            ],
          })),
          { choices: [{ delta: {}, finish_reason: "tool_calls" }] },
        ]
      : [{ response: "", tool_calls: calls.map((call) => ({ name: call.name, arguments: call.arguments })) }];
  return [
    ...events.map((event) => `data: ${JSON.stringify(event)}\n\n`),
    `data: ${JSON.stringify({ response: "", usage })}\n\n`,
    "data: [DONE]\n\n",
  ];
}
