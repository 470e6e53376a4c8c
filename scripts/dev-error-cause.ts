import type { Plugin } from "vite";

/**
 * When the dev server cannot hand a request to workerd, the Cloudflare plugin passes undici's
 * `TypeError: fetch failed` on, and Vite prints only that line: the reason (a reset connection, a
 * refused 401 retry, a restart in progress) is in the error's `cause`, which nothing printed. This
 * prints the cause chain beside Vite's message; it is how the browser tests' `read ECONNRESET` after
 * an unread request body was found (worker/http/drain-body.ts).
 */
export function devErrorCause(): Plugin {
  return {
    name: "dev-error-cause",
    apply: "serve",
    configureServer(server) {
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
              const code = (cause as { code?: string }).code;
              causes.push(cause instanceof Error ? `${cause.name}: ${cause.message}${code ? ` (${code})` : ""}` : String(cause));
            }
            if (causes.length)
              server.config.logger.error(`${request.method} ${request.url} failed; cause: ${causes.join(" ← ")}`, { timestamp: true });
            next(error);
          },
        );
      };
    },
  };
}
