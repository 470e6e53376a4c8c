import { tool, zodSchema, type Tool } from "ai";
import { z } from "zod";
import { AppError } from "../../../contract/errors";
import { TOOL_LIMITS } from "../../../contract/tools";
import { fetchOutbound } from "../../http/outbound-fetch";
import { outboundPolicy } from "../../http/outbound-url";
import { htmlToText } from "../../retrieval/html";
import { describeBuiltin } from "./describe";
import { readPrefix } from "./read-prefix";

export const WEB_PAGE_LIMITS = {
  /** Read at most this much of a page; a longer one is cut (its start is usually what matters). */
  bytes: 2 * 1024 * 1024,
  /** Below the tool limit, so the person reads this sentence rather than the loop's generic timeout. */
  timeoutMs: Math.min(15_000, TOOL_LIMITS.timeoutMs - 2_000),
  /** The text handed back; room is left in TOOL_LIMITS.outputChars for the url, title and flags. */
  textChars: TOOL_LIMITS.outputChars - 1_000,
} as const;

const TEXT_TYPES = new Set(["text/html", "text/plain"]);

export interface WebPage {
  /** Where the text came from, after redirects. */
  url: string;
  title: string;
  text: string;
  /** The page was longer than what was read or handed back. */
  truncated: boolean;
}

export interface ReadWebPageDeps {
  env: Pick<Env, "ALLOW_PRIVATE_OUTBOUND">;
  fetcher?: typeof fetch;
  /** WEB_PAGE_LIMITS.timeoutMs unless a test is in a hurry. */
  timeoutMs?: number;
}

/**
 * One page's readable text. HTML goes through the same HTMLRewriter converter as uploaded HTML
 * documents (worker/retrieval/html.ts): workerd's built-in streaming parser, no DOM, no script runs.
 */
export async function readWebPage(address: string, deps: ReadWebPageDeps, signal?: AbortSignal): Promise<WebPage> {
  const timeoutMs = deps.timeoutMs ?? WEB_PAGE_LIMITS.timeoutMs;
  const timeout = AbortSignal.timeout(timeoutMs);
  const combined = signal ? AbortSignal.any([signal, timeout]) : timeout;
  try {
    const { response, url } = await fetchOutbound(
      address.trim(),
      {
        headers: { accept: "text/html, text/plain;q=0.9", "user-agent": "Mozilla/5.0 (compatible; workers-ai-chat read_web_page)" },
        signal: combined,
      },
      { policy: outboundPolicy(deps.env), fetcher: deps.fetcher },
    );
    if (!response.ok) {
      await response.body?.cancel();
      throw new AppError(
        "web_page_failed",
        `${url.href} answered ${response.status}${response.statusText ? ` ${response.statusText}` : ""}.`,
      );
    }
    const contentType = response.headers.get("content-type") ?? "";
    const mediaType = contentType.split(";")[0].trim().toLowerCase();
    if (!TEXT_TYPES.has(mediaType)) {
      await response.body?.cancel();
      throw new AppError(
        "web_page_failed",
        `${url.href} is ${mediaType || "of no stated type"}, not a web page: only HTML and plain text are read.`,
      );
    }
    const { bytes, truncated: cut } = await readPrefix(response.body, WEB_PAGE_LIMITS.bytes);
    const source = decode(bytes, contentType);
    const title = mediaType === "text/html" ? titleOf(source) : "";
    const full = mediaType === "text/html" ? await htmlToText(source) : source.trim();
    const text = full.length > WEB_PAGE_LIMITS.textChars ? full.slice(0, WEB_PAGE_LIMITS.textChars) : full;
    return {
      url: url.href,
      title,
      text: text || "(The page has no readable text: it may build its content with JavaScript, which is not run.)",
      truncated: cut || text.length < full.length,
    };
  } catch (error) {
    if (timeout.aborted && !(error instanceof AppError)) {
      throw new AppError("web_page_failed", `The page took longer than ${timeoutMs / 1000} s to arrive; stopped waiting.`);
    }
    if (error instanceof AppError || signal?.aborted) throw error;
    throw new AppError(
      "web_page_failed",
      `The page could not be fetched: ${error instanceof Error ? error.message : String(error)}`.slice(0, 300),
    );
  }
}

/** The charset the server named, else UTF-8 (a label workerd does not know falls back to UTF-8 too). */
function decode(bytes: Uint8Array, contentType: string): string {
  const charset = /charset="?([\w-]+)/i.exec(contentType)?.[1];
  try {
    return new TextDecoder(charset ?? "utf-8").decode(bytes);
  } catch {
    return new TextDecoder("utf-8").decode(bytes);
  }
}

function titleOf(html: string): string {
  const raw = /<title[^>]*>([\s\S]{0,1000}?)<\/title>/i.exec(html)?.[1] ?? "";
  return raw
    .replace(/&amp;/g, "&")
    .replace(/&lt;/g, "<")
    .replace(/&gt;/g, ">")
    .replace(/&quot;/g, '"')
    .replace(/&#39;/g, "'")
    .replace(/\s+/g, " ")
    .trim()
    .slice(0, 200);
}

// Made once per isolate: the AI SDK caches a schema's JSON form on the wrapper, so a wrapper made per
// request converted it again on every question (bench:relay-profile, MODEL=<a tool model>).
const inputSchema = zodSchema(z.object({ url: z.string().describe("The page's full public address, starting with https:// or http://.") }));

export function readWebPageTool(deps: ReadWebPageDeps): Tool {
  return tool({
    description: describeBuiltin("read_web_page"),
    inputSchema,
    execute: async ({ url }, { abortSignal }) => readWebPage(url, deps, abortSignal),
  });
}
