import type { Plugin } from "vite";

/**
 * When the dev server cannot hand a request to workerd, the Cloudflare plugin passes undici's
 * `TypeError: fetch failed` on, and Vite prints only that line: the reason (a reset connection, a
 * refused 401 retry, a restart in progress) is in the error's `cause`, which nothing prints. Browser
 * tests on fresh clones met this a few times without a way to tell why; this prints the cause chain
 * beside Vite's own message, then lets Vite answer as before.
 */
export function devErrorCause(): Plugin {
  return {
    name: "dev-error-cause",
    apply: "serve",
    configureServer(server) {
      // A post hook: registered after Vite's own middlewares, before its error handler.
      return () => {
        server.middlewares.use((error: unknown, request: { method?: string; url?: string }, _response: unknown, next: (error?: unknown) => void) => {
          const causes: string[] = [];
          for (let cause = (error as { cause?: unknown })?.cause; cause && causes.length < 5; cause = (cause as { cause?: unknown }).cause) {
            causes.push(cause instanceof Error ? `${cause.name}: ${cause.message}${(cause as { code?: string }).code ? ` (${(cause as { code?: string }).code})` : ""}` : String(cause));
          }
          if (causes.length) server.config.logger.error(`${request.method} ${request.url} failed; cause: ${causes.join(" ← ")}`, { timestamp: true });
          next(error);
        });
      };
    },
  };
}
