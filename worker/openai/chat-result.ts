import { SseReader, deltaOf, type Delta, type ToolCallDelta, type Usage } from "./workers-ai-events";

/** A whole answer, whichever way Workers AI gave it. */
export interface Completion {
  content: string;
  reasoning: string;
  toolCalls: ToolCallDelta[];
  finish: string | undefined;
  usage: Usage | undefined;
}

/**
 * A non-streamed call's output: Workers AI answers JSON (either format), but some backends stream
 * regardless of `stream: false`, so a stream is read to its end and merged the same way.
 */
export async function completionOf(output: unknown): Promise<Completion> {
  const completion: Completion = { content: "", reasoning: "", toolCalls: [], finish: undefined, usage: undefined };
  const add = (delta: Delta) => merge(completion, delta);
  if (output instanceof ReadableStream) {
    const sse = new SseReader();
    const decoder = new TextDecoder();
    for await (const chunk of output as ReadableStream<Uint8Array>) sse.push(decoder.decode(chunk, { stream: true }), add);
    sse.end(add);
  } else if (output && typeof output === "object") {
    let index = 0;
    add(deltaOf(output as Record<string, unknown>, () => index++));
  } else if (typeof output === "string") {
    add({ content: output });
  }
  return completion;
}

/** Streamed tool call pieces merge by index: the first names the call, later ones add arguments. */
function merge(into: Completion, delta: Delta): void {
  if (delta.content) into.content += delta.content;
  if (delta.reasoning) into.reasoning += delta.reasoning;
  if (delta.finish) into.finish = delta.finish;
  if (delta.usage) into.usage = delta.usage;
  for (const piece of delta.toolCalls ?? []) {
    const existing = into.toolCalls.find((call) => call.index === piece.index);
    if (!existing) {
      into.toolCalls.push({ ...piece, function: { name: piece.function?.name ?? "", arguments: piece.function?.arguments ?? "" } });
      continue;
    }
    if (piece.id) existing.id = piece.id;
    if (piece.function?.name) existing.function!.name = piece.function.name;
    if (piece.function?.arguments) existing.function!.arguments = (existing.function!.arguments ?? "") + piece.function.arguments;
  }
}
