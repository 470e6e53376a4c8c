import { AppError } from "../../contract/errors";
import { checkOutboundUrl, type OutboundPolicy } from "./outbound-url";

export const MAX_REDIRECTS = 5;

const REDIRECTS = new Set([301, 302, 303, 307, 308]);
/** Sent to the first origin only: a redirect elsewhere must not carry the person's token along. */
const CREDENTIAL_HEADERS = ["authorization", "cookie", "proxy-authorization"];

export interface OutboundFetchOptions {
  policy: OutboundPolicy;
  maxRedirects?: number;
  /** The platform's fetch unless a test passes its own. */
  fetcher?: typeof fetch;
}

export interface OutboundResponse {
  response: Response;
  /** Where the answer finally came from, after redirects. */
  url: URL;
}

/**
 * fetch() under the outbound rule (outbound-url.ts): the address is checked, and redirects are
 * followed here rather than by the platform so that every hop is checked too (a public page may
 * redirect to http://127.0.0.1/), at most `maxRedirects` of them. Methods and bodies change across
 * redirects as browsers do (303, and 301/302 after a POST, become a GET without body).
 */
export async function fetchOutbound(input: string | URL, init: RequestInit, options: OutboundFetchOptions): Promise<OutboundResponse> {
  const fetcher = options.fetcher ?? fetch;
  const maxRedirects = options.maxRedirects ?? MAX_REDIRECTS;
  let url = checkOutboundUrl(input, options.policy);
  let method = (init.method ?? "GET").toUpperCase();
  let body = init.body ?? null;
  const headers = new Headers(init.headers);
  const firstOrigin = url.origin;

  for (let hop = 0; ; hop++) {
    const response = await fetcher(url, { ...init, method, body, headers, redirect: "manual" });
    const location = REDIRECTS.has(response.status) ? response.headers.get("location") : null;
    if (location === null) return { response, url };
    await response.body?.cancel();
    if (hop >= maxRedirects) {
      throw new AppError("web_page_failed", `${firstOrigin} redirected more than ${maxRedirects} times; stopped there.`);
    }
    let next: URL;
    try {
      next = new URL(location, url);
    } catch {
      throw new AppError("web_page_failed", `${url.origin} redirected to "${location.slice(0, 100)}", which is not an address.`);
    }
    url = checkOutboundUrl(next, options.policy);
    if (response.status === 303 ? method !== "HEAD" : (response.status === 301 || response.status === 302) && method === "POST") {
      method = "GET";
      body = null;
      headers.delete("content-type");
      headers.delete("content-length");
    } else if (body instanceof ReadableStream) {
      throw new AppError(
        "web_page_failed",
        `${firstOrigin} asked for the request to be sent again elsewhere, and its body cannot be sent twice.`,
      );
    }
    if (url.origin !== firstOrigin) for (const name of CREDENTIAL_HEADERS) headers.delete(name);
  }
}

/**
 * A fetch-compatible function under the rule, for libraries that take a `fetch` option (the MCP
 * client's transports): they see the final answer, never a redirect.
 */
export function outboundFetch(options: OutboundFetchOptions): typeof fetch {
  return async (input: RequestInfo | URL, init?: RequestInit) => {
    if (input instanceof Request) {
      const fromRequest: RequestInit = { method: input.method, headers: input.headers, body: input.body, signal: input.signal };
      return (await fetchOutbound(input.url, { ...fromRequest, ...init }, options)).response;
    }
    return (await fetchOutbound(input, init ?? {}, options)).response;
  };
}
