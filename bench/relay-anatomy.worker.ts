/**
 * BENCH-ONLY Worker for bench/relay-anatomy.ts (bundled with esbuild, run in workerd by Miniflare).
 * Each layer relays one upstream answer (a Workers AI REST base URL, named by `?upstream=`) through
 * one more of the layers `POST /api/chat` stacks, so the difference between two layers is one layer's cost:
 *   /1  the upstream body straight through
 *   /2  every chunk read in JS and re-enqueued (an identity TransformStream)
 *   /3  workers-ai-provider + streamText on the REST binding, text re-emitted as bytes
 *   /4  + toUIMessageStream + createUIMessageStreamResponse (no callbacks)
 *   /5  + guardModelStream (worker/ai/stream-guard.ts)
 *   /5p + guardModelStream as it was before (a timer, a promise and a race per piece), for comparison
 *   /6  + the product's seam: resolveAiBackend (retries, gateway) + chatModelFor
 *   /7  the product's streamAnswer itself (metadata, onEnd and save, request signal), save a no-op
 * `/mem/<layer>` runs the same layer on an upstream held in memory (one SSE event per chunk, as
 * workerd's fetch hands them over) and reads the whole answer inside the Worker: no sockets, no
 * client, only the layer's own CPU time. `/hops/<n>` sends the same chunks through n identity
 * TransformStreams, the cost of one stream stage.
 */
import { createUIMessageStreamResponse, streamText, toUIMessageStream, type ModelMessage } from "ai";
import { createWorkersAI } from "workers-ai-provider";
import { createRestBinding } from "../worker/ai/rest-binding";
import { chatModelFor, resolveAiBackend } from "../worker/ai/backend";
import { guardModelStream } from "../worker/ai/stream-guard";
import { streamAnswer } from "../worker/ai/stream-answer";
import type { ChatMessage } from "../contract/messages";
import { AppError } from "../contract/errors";

const MODEL = "@cf/meta/llama-3.2-1b-instruct";
const messages: ModelMessage[] = [{ role: "user", content: "Hi" }];
const history: ChatMessage[] = [{ id: "m0", role: "user", parts: [{ type: "text", text: "Hi" }] }];
const encoder = new TextEncoder();
const sse = { "content-type": "text/event-stream" };

/** What a layer relays from: an upstream base URL and the fetch that reaches it. */
interface Source {
  url: string;
  fetch: typeof fetch;
}

const rawModel = (source: Source) =>
  createWorkersAI({ binding: createRestBinding({ baseUrl: source.url, fetch: source.fetch }) as unknown as Ai })(MODEL);

const upstreamFetch = (source: Source, maxTokens: number) =>
  source.fetch(`${source.url}/run/${MODEL}`, {
    method: "POST",
    headers: { "content-type": "application/json" },
    body: JSON.stringify({ messages, stream: true, max_tokens: maxTokens }),
  });

export async function layer(route: string, source: Source, maxTokens: number, request: Request, ctx: ExecutionContext): Promise<Response> {
  switch (route) {
    case "1": {
      const upstream = await upstreamFetch(source, maxTokens);
      return new Response(upstream.body, { headers: sse });
    }
    case "2": {
      const upstream = await upstreamFetch(source, maxTokens);
      return new Response(upstream.body!.pipeThrough(identity()), { headers: sse });
    }
    case "3": {
      const result = streamText({ model: rawModel(source), messages, maxOutputTokens: maxTokens, maxRetries: 0 });
      const body = result.textStream.pipeThrough(
        new TransformStream<string, Uint8Array>({ transform: (text, controller) => controller.enqueue(encoder.encode(`${text}\n`)) }),
      );
      return new Response(body, { headers: sse });
    }
    case "4": {
      const result = streamText({ model: rawModel(source), messages, maxOutputTokens: maxTokens, maxRetries: 0 });
      return createUIMessageStreamResponse({ stream: toUIMessageStream({ stream: result.stream, originalMessages: history }) });
    }
    case "5": {
      const giveUp = new AbortController();
      const result = streamText({
        model: rawModel(source),
        messages,
        maxOutputTokens: maxTokens,
        maxRetries: 0,
        abortSignal: giveUp.signal,
      });
      return createUIMessageStreamResponse({
        stream: toUIMessageStream({ stream: guardModelStream(result.stream, giveUp), originalMessages: history }),
      });
    }
    case "5p": {
      const giveUp = new AbortController();
      const result = streamText({
        model: rawModel(source),
        messages,
        maxOutputTokens: maxTokens,
        maxRetries: 0,
        abortSignal: giveUp.signal,
      });
      return createUIMessageStreamResponse({
        stream: toUIMessageStream({ stream: guardPerPiece(result.stream, giveUp), originalMessages: history }),
      });
    }
    case "6": {
      const giveUp = new AbortController();
      const backend = resolveAiBackend({ WORKERS_AI_REST_URL: source.url }, source.fetch);
      const result = streamText({
        model: chatModelFor(backend, MODEL),
        messages,
        maxOutputTokens: maxTokens,
        maxRetries: 0,
        abortSignal: giveUp.signal,
      });
      return createUIMessageStreamResponse({
        stream: toUIMessageStream({ stream: guardModelStream(result.stream, giveUp), originalMessages: history }),
      });
    }
    case "7": {
      const backend = resolveAiBackend({ WORKERS_AI_REST_URL: source.url }, source.fetch);
      const { chunks } = streamAnswer({
        backend,
        model: MODEL,
        history,
        modelMessages: messages,
        messageId: "bench-answer",
        maxTokens,
        signal: request.signal,
      });
      return createUIMessageStreamResponse({ stream: chunks });
    }
    default:
      return new Response("no such layer", { status: 404 });
  }
}

/** guardModelStream before bench:relay-anatomy (commit 2077937): a timer, a promise and a race per piece. */
const MODEL_SILENCE_LIMITS = { firstOutputMs: 120_000, betweenOutputMs: 30_000 };
type ModelPart = { type: string; finishReason?: string; rawFinishReason?: string };
function guardPerPiece<T>(stream: ReadableStream<T>, giveUp: AbortController): ReadableStream<T> {
  const reader = stream.getReader();
  let started = false;
  return new ReadableStream<T>({
    async pull(controller) {
      let timer: ReturnType<typeof setTimeout> | undefined;
      const limit = started ? MODEL_SILENCE_LIMITS.betweenOutputMs : MODEL_SILENCE_LIMITS.firstOutputMs;
      const silence = new Promise<"silent">((resolve) => (timer = setTimeout(() => resolve("silent"), limit)));
      try {
        const next = await Promise.race([reader.read(), silence]);
        if (next === "silent") {
          const seconds = Math.round(limit / 1000);
          controller.enqueue({ type: "error", error: new AppError("timeout", `silent ${seconds} s`) } as T);
          controller.close();
          giveUp.abort(new AppError("timeout"));
          reader.cancel("model went silent").catch(() => {});
          return;
        }
        if (next.done) return controller.close();
        const part = next.value as ModelPart;
        if (part.type === "text-delta" || part.type === "reasoning-delta") started = true;
        if (part.type === "finish-step" && part.finishReason === "error") {
          const truncated = part.rawFinishReason === "stream-truncated";
          const message = truncated ? "broke off" : undefined;
          controller.enqueue({ type: "error", error: new AppError("upstream", message) } as T);
          controller.close();
          reader.cancel("model reported an error").catch(() => {});
          return;
        }
        controller.enqueue(next.value);
      } catch (error) {
        // After the first words, a failing read is the upstream connection dropping mid-answer, not
        // an unreachable server.
        controller.enqueue({ type: "error", error: started ? new AppError("upstream") : error } as T);
        controller.close();
      } finally {
        clearTimeout(timer);
      }
    },
    cancel: (reason) => reader.cancel(reason),
  });
}

const identity = () => new TransformStream<Uint8Array, Uint8Array>({ transform: (chunk, controller) => controller.enqueue(chunk) });

/** The paced upstream's answer as workerd's fetch hands it over: one chunk per SSE event. */
function memoryChunks(tokens: number): Uint8Array[] {
  const chunks = Array.from({ length: tokens }, (_, i) => encoder.encode(`data: ${JSON.stringify({ response: `w${i} ` })}\n\n`));
  const usage = { prompt_tokens: 10, completion_tokens: tokens, total_tokens: 10 + tokens };
  chunks.push(encoder.encode(`data: ${JSON.stringify({ response: "", usage })}\n\ndata: [DONE]\n\n`));
  return chunks;
}

function memoryStream(chunks: Uint8Array[]): ReadableStream<Uint8Array> {
  let i = 0;
  return new ReadableStream<Uint8Array>({
    pull(controller) {
      if (i < chunks.length) controller.enqueue(chunks[i++]);
      else controller.close();
    },
  });
}

export const memorySource = (tokens: number): Source => {
  const chunks = memoryChunks(tokens);
  return {
    url: "http://memory.invalid/ai",
    fetch: (async () => new Response(memoryStream(chunks), { headers: sse })) as unknown as typeof fetch,
  };
};

/** Reads a body to its end inside the isolate; counts tokens as the client would. */
export async function drain(body: ReadableStream<Uint8Array>): Promise<{ bytes: number; tokens: number }> {
  const decoder = new TextDecoder();
  let bytes = 0;
  let text = "";
  for await (const chunk of body as unknown as AsyncIterable<Uint8Array>) {
    bytes += chunk.byteLength;
    text += decoder.decode(chunk, { stream: true });
  }
  return { bytes, tokens: text.match(/w\d+ /g)?.length ?? 0 };
}

export default {
  async fetch(request: Request, upstreams: Record<string, string>, ctx: ExecutionContext): Promise<Response> {
    const url = new URL(request.url);
    const tokens = Number(url.searchParams.get("tokens") ?? 2000);
    const [, kind, arg] = url.pathname.split("/");
    if (kind === "mem") {
      const response = await layer(arg, memorySource(tokens), tokens, request, ctx);
      return Response.json(await drain(response.body!));
    }
    if (kind === "hops") {
      let stream = memoryStream(memoryChunks(tokens));
      for (let i = 0; i < Number(arg); i++) stream = stream.pipeThrough(identity());
      return Response.json(await drain(stream));
    }
    const upstream = upstreams[url.searchParams.get("upstream") ?? ""];
    if (!upstream) return new Response("no such upstream", { status: 400 });
    return layer(kind, { url: upstream, fetch: (input, init) => fetch(input, init) }, tokens, request, ctx);
  },
};
