import { createServer } from "node:http";
import type { AddressInfo } from "node:net";

/**
 * A Workers AI REST upstream for the relay benchmark that streams at an exact rate. The e2e fake
 * (`e2e/support/fake-workers-ai.ts`) paces with one `setTimeout` per token, which Node rounds up to
 * 1 ms, so it cannot pace above ~1,000 tokens/s; unpaced it writes the whole answer in one burst.
 * This one wakes every millisecond and writes every token that is due by then, each in its own SSE
 * frame (legacy format, as the fake and Workers AI send), so a 5,000 tokens/s stream really is one.
 * `delayMs`: how long it thinks before answering (a model's own time to first token).
 */
export async function startPacedUpstream(opts: { tokens: number; tokensPerSecond: number; port?: number; delayMs?: number }) {
  // When the latest requests arrived (performance.now(), this process's clock, which the client shares).
  const arrivals: number[] = [];
  const server = createServer((req, res) => {
    arrivals.push(performance.now());
    if (arrivals.length > 32) arrivals.shift();
    req.resume();
    req.on("end", () => {
      if (req.method !== "POST" || !/\/ai\/run\//.test(req.url ?? "")) {
        if (req.url === "/local/status")
          return res.writeHead(200, { "content-type": "application/json" }).end('{"ready":true,"textModel":"paced-upstream"}');
        return res.writeHead(404).end();
      }
      if (opts.delayMs) return void setTimeout(answer, opts.delayMs);
      answer();
    });
    function answer() {
      res.writeHead(200, { "content-type": "text/event-stream", "cache-control": "no-cache" });
      const start = performance.now();
      let sent = 0;
      const tick = () => {
        if (res.destroyed) return;
        const due = Math.min(opts.tokens, 1 + Math.floor(((performance.now() - start) / 1000) * opts.tokensPerSecond));
        for (; sent < due; sent++) res.write(`data: ${JSON.stringify({ response: `w${sent} ` })}\n\n`);
        if (sent < opts.tokens) return void setTimeout(tick, 1);
        const usage = { prompt_tokens: 10, completion_tokens: opts.tokens, total_tokens: 10 + opts.tokens };
        res.end(`data: ${JSON.stringify({ response: "", usage })}\n\ndata: [DONE]\n\n`);
      };
      tick();
    }
  });
  server.keepAliveTimeout = 60_000;
  await new Promise<void>((resolve) => server.listen(opts.port ?? 0, "127.0.0.1", resolve));
  const { port } = server.address() as AddressInfo;
  return {
    /** When the first request since `since` reached it (NaN if none): how long a relay took to call the model. */
    firstRequestSince: (since: number) => arrivals.find((t) => t >= since) ?? Number.NaN,
    url: `http://127.0.0.1:${port}/client/v4/accounts/paced/ai`,
    close: () =>
      new Promise<void>((resolve) => {
        server.closeAllConnections();
        server.close(() => resolve());
      }),
  };
}
