import { UI_MESSAGE_STREAM_HEADERS } from "ai";
import { AppError } from "../../contract/errors";
import type { TurnStart } from "../store/api";

/** An answer's UI message stream as the AI SDK's transports read it (SSE). */
export function answerStreamResponse(stream: ReadableStream<Uint8Array>): Response {
  return new Response(stream, { headers: UI_MESSAGE_STREAM_HEADERS });
}

/** A started answer's stream, or the Durable Object's refusal as the error it is. */
export function turnResponse(start: TurnStart): Response {
  if ("error" in start) {
    const { code, message, workersAiCode, retryAfter } = start.error;
    throw new AppError(code, message, workersAiCode, retryAfter);
  }
  return answerStreamResponse(start.stream);
}

/** GET …/stream, the AI SDK's resume protocol: the running answer from its start, or 204 when none runs. */
export function rejoinResponse(stream: ReadableStream<Uint8Array> | null): Response {
  return stream ? answerStreamResponse(stream) : new Response(null, { status: 204 });
}
