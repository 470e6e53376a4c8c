/**
 * Adds a `message-metadata` chunk right after the first event of a UI message stream response.
 *
 * Why: streamAnswer (worker/ai/stream-answer.ts) sends the request's extra metadata only on the
 * answer's start, and the start goes out before the model has answered, so a note learned from that
 * first call (the licence was accepted) would reach the person only after a reload. If streamAnswer
 * ever sends `request.metadata` on finish too, this file can go.
 */
export function withMetadataChunk(response: Response, metadata: Record<string, unknown>): Response {
  const chunk = `data: ${JSON.stringify({ type: "message-metadata", messageMetadata: metadata })}\n\n`;
  const encoder = new TextEncoder();
  const decoder = new TextDecoder();
  let pending = "";
  let sent = false;
  const insert = new TransformStream<Uint8Array, Uint8Array>({
    transform(bytes, controller) {
      if (sent) return controller.enqueue(bytes);
      pending += decoder.decode(bytes, { stream: true });
      const end = pending.indexOf("\n\n");
      if (end < 0) return;
      sent = true;
      controller.enqueue(encoder.encode(pending.slice(0, end + 2) + chunk + pending.slice(end + 2)));
    },
    flush(controller) {
      if (!sent && pending) controller.enqueue(encoder.encode(pending));
    },
  });
  return new Response(response.body?.pipeThrough(insert), { status: response.status, headers: response.headers });
}
