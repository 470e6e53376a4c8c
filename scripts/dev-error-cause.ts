import { monitorEventLoopDelay } from "node:perf_hooks";
import type { Plugin } from "vite";

/**
 * When the dev server cannot hand a request to workerd, the Cloudflare plugin passes undici's
 * `TypeError: fetch failed` on, and Vite prints only that line: the reason (a reset connection, a
 * refused 401 retry, a restart in progress) is in the error's `cause`, which nothing prints. This
 * prints the cause chain beside Vite's message, and how long this process's event loop was last
 * blocked: Miniflare closes its idle connections to workerd on a timer, so a loop blocked for
 * seconds can hand a request to a connection workerd has already dropped (`read ECONNRESET`).
 */
export function devErrorCause(): Plugin {
  return {
    name: "dev-error-cause",
    apply: "serve",
    configureServer(server) {
      const delay = monitorEventLoopDelay({ resolution: 50 });
      delay.enable();
      let worstRecentMs = 0;
      const sample = setInterval(() => {
        worstRecentMs = delay.max / 1e6;
        delay.reset();
      }, 10_000);
      sample.unref();
      server.httpServer?.on("close", () => {
        clearInterval(sample);
        delay.disable();
      });
      // A post hook: registered after Vite's own middlewares, before its error handler.
      return () => {
        server.middlewares.use(
          (error: unknown, request: { method?: string; url?: string }, _response: unknown, next: (error?: unknown) => void) => {
            const causes: string[] = [];
            for (
              let cause = (error as { cause?: unknown })?.cause;
              cause && causes.length < 5;
              cause = (cause as { cause?: unknown }).cause
            ) {
              causes.push(
                cause instanceof Error
                  ? `${cause.name}: ${cause.message}${(cause as { code?: string }).code ? ` (${(cause as { code?: string }).code})` : ""}`
                  : String(cause),
              );
            }
            if (causes.length) {
              const blockedMs = Math.round(Math.max(worstRecentMs, delay.max / 1e6));
              server.config.logger.error(
                `${request.method} ${request.url} failed; cause: ${causes.join(" ← ")}; this process's event loop was blocked for up to ${blockedMs} ms in the last 10-20 s`,
                { timestamp: true },
              );
            }
            next(error);
          },
        );
      };
    },
  };
}
