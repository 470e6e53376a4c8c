import { timingSafeEqual } from "node:crypto";
import type { IncomingHttpHeaders } from "node:http";
import { CODES, EngineError } from "./errors";

/**
 * Who may talk to the local engine: only local programs that name it by its own loopback address,
 * never a web page. A page on any site can make the browser send requests to 127.0.0.1 (and, by
 * DNS rebinding, read the answers under its own host name), so:
 *   - the Host header must be this engine's loopback name and port (else 421, Misdirected Request):
 *     a rebound host name never matches;
 *   - any request carrying Origin is refused (403): browsers send it on cross-origin requests and on
 *     every POST, and the Worker, the tests and curl never do;
 *   - with a token (LOCAL_ENGINE_TOKEN; `npm run dev` makes a random one per start and gives it to
 *     the Worker as WORKERS_AI_TOKEN), every request must carry `Authorization: Bearer <token>` (401).
 */
export interface GuardOptions {
  /** The address the server listens on and its actual port. */
  host: string;
  port: number;
  token?: string;
}

export function refusal(headers: IncomingHttpHeaders, options: GuardOptions): EngineError | undefined {
  const host = headers.host?.toLowerCase();
  if (!host || !allowedHosts(options).has(host)) {
    return new EngineError(
      CODES.refused,
      421,
      `The local engine answers only as ${[...allowedHosts(options)].join(" or ")}, not as ${host ?? "(no Host header)"}.`,
    );
  }
  if (headers.origin !== undefined)
    return new EngineError(
      CODES.refused,
      403,
      "The local engine does not answer requests from web pages (the request carried an Origin header).",
    );
  if (options.token && !sameSecret(headers.authorization ?? "", `Bearer ${options.token}`)) {
    return new EngineError(CODES.authentication, 401, "Authentication error");
  }
  return undefined;
}

function allowedHosts({ host, port }: GuardOptions): Set<string> {
  const bracketed = host.includes(":") ? `[${host}]` : host;
  return new Set([`${bracketed}:${port}`, `localhost:${port}`, `127.0.0.1:${port}`].map((h) => h.toLowerCase()));
}

/** Constant-time, so the token cannot be guessed a byte at a time from response times. */
function sameSecret(presented: string, expected: string): boolean {
  const a = Buffer.from(presented);
  const b = Buffer.from(expected);
  return a.length === b.length && timingSafeEqual(a, b);
}
