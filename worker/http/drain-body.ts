import type { MiddlewareHandler } from "hono";

/** How much of a body no route read is read anyway; a bigger one is cancelled (the connection then closes). */
export const DRAIN_LIMIT_BYTES = 64 * 1024;

/**
 * Reads to its end any request body the route did not read (`POST /api/auth/authentication/options`
 * is sent `{}` and needs nothing from it). workerd's HTTP server, the dev server's and the browser
 * tests', closes a keep-alive connection whose request body was left unread — and cancelling the body
 * does not help, only reading it does. The dev server's HTTP client has by then taken the response as
 * complete and sends its next request on that connection, which meets a TCP reset: the next request,
 * whatever it is, fails with `fetch failed` (`read ECONNRESET`) before the Worker sees it. That was the
 * browser tests' intermittent failure after the passkey sign-in options (issue 16).
 */
export const drainUnreadBody: MiddlewareHandler = async (c, next) => {
  await next();
  const request = c.req.raw;
  if (!request.body || request.bodyUsed) return;
  const reader = request.body.getReader();
  let size = 0;
  try {
    for (;;) {
      const { done, value } = await reader.read();
      if (done) return;
      size += value.byteLength;
      // A stranger's large body is not worth reading just to keep their connection open.
      if (size > DRAIN_LIMIT_BYTES) return void (await reader.cancel("unread body too large"));
    }
  } catch {
    // The client went away mid-body: nothing left to keep open.
  }
};
