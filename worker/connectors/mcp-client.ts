import {
  createMCPClient,
  MCPClientError,
  MCPClientOAuthError,
  UnauthorizedError,
  type MCPClient,
  type OAuthClientProvider,
} from "@ai-sdk/mcp";
import type { ConnectorStatus } from "../../contract/connectors";
import { AppError } from "../../contract/errors";
import { CONNECTOR_LIMITS } from "../../contract/connectors";
import type { ListedTool } from "./table";

type FetchFunction = typeof fetch;

export interface ConnectTarget {
  url: string;
  bearer?: string;
  authProvider?: OAuthClientProvider;
  /** Checks every address before it is fetched (./outbound.ts): the MCP client never reaches anything else. */
  fetch: FetchFunction;
  signal?: AbortSignal;
}

/**
 * An MCP client for a connector, through @ai-sdk/mcp: Streamable HTTP first, and the older HTTP+SSE
 * transport when the address answers the Streamable HTTP POST as something that is not that protocol
 * (404 or 405, as the transport tells legacy SSE servers apart). Redirects are refused by the
 * transport ('error', its default), so every address the client uses is one the fetch checked.
 */
export async function connect(target: ConnectTarget): Promise<MCPClient> {
  try {
    return await open("http", target);
  } catch (error) {
    if (!speaksOtherTransport(error)) throw error;
    try {
      return await open("sse", target);
    } catch {
      throw error; // The Streamable HTTP failure says more than the fallback's.
    }
  }
}

function open(type: "http" | "sse", target: ConnectTarget): Promise<MCPClient> {
  const signal = AbortSignal.any([AbortSignal.timeout(CONNECTOR_LIMITS.connectMs), ...(target.signal ? [target.signal] : [])]);
  return createMCPClient({
    transport: {
      type,
      url: target.url,
      headers: target.bearer ? { Authorization: `Bearer ${target.bearer}` } : undefined,
      authProvider: target.authProvider,
      fetch: target.fetch,
      redirect: "error",
    },
    clientName: "workers-ai-chat",
    initializationOptions: { signal, timeout: CONNECTOR_LIMITS.connectMs },
  });
}

function speaksOtherTransport(error: unknown): boolean {
  return MCPClientError.isInstance(error) && (error.statusCode === 404 || error.statusCode === 405);
}

/** The server's tools, following its pages until the listing limit is passed (a little over, to count what is left out). */
export async function listTools(
  client: MCPClient,
  signal?: AbortSignal,
): Promise<{ tools: ListedTool[]; all: Awaited<ReturnType<MCPClient["listTools"]>> }> {
  const options = { signal, timeout: CONNECTOR_LIMITS.connectMs };
  let page = await client.listTools({ options });
  const all = { ...page, tools: [...page.tools] };
  for (let pages = 1; page.nextCursor && all.tools.length <= CONNECTOR_LIMITS.toolsPerConnector && pages < 10; pages++) {
    page = await client.listTools({ params: { cursor: page.nextCursor }, options });
    all.tools.push(...page.tools);
  }
  all.nextCursor = undefined;
  return { tools: all.tools.map((t) => ({ name: t.name, description: t.description })), all };
}

/** Why connecting failed, in words a person can act on, and the status it leaves the connector in. */
export function describeFailure(error: unknown, url: string): { status: ConnectorStatus; message: string } {
  const host = hostOf(url);
  // The outbound rule's refusal (./outbound.ts) or a redirect loop: its own words.
  const refused = findCause(error, (e) => e instanceof AppError);
  if (refused) return { status: "error", message: (refused as AppError).message };
  if (error instanceof UnauthorizedError || (MCPClientError.isInstance(error) && (error.statusCode === 401 || error.statusCode === 403)))
    return {
      status: "needs_auth",
      message: `${host} needs you to sign in: add a bearer token, or use “Sign in with OAuth” if the server supports it.`,
    };
  if (MCPClientOAuthError.isInstance(error)) return { status: "needs_auth", message: `Signing in to ${host} failed: ${error.message}` };
  if (findCause(error, (e) => e instanceof Error && (e.name === "TimeoutError" || e.name === "AbortError")))
    return { status: "error", message: `${host} did not answer within ${CONNECTOR_LIMITS.connectMs / 1000} seconds.` };
  if (MCPClientError.isInstance(error) && error.statusCode !== undefined)
    return {
      status: "error",
      message:
        error.statusCode >= 500
          ? `${host} answered with a server error (HTTP ${error.statusCode}). Try again later.`
          : `${url} is not an MCP server (it answered HTTP ${error.statusCode}). Check the address: it is often the one ending in /mcp.`,
    };
  if (
    MCPClientError.isInstance(error) ||
    findCause(error, (e) => e instanceof SyntaxError || (e instanceof Error && e.name === "TypeValidationError"))
  )
    return { status: "error", message: `${url} did not answer as an MCP server. Check the address: it is often the one ending in /mcp.` };
  // workerd says "Network connection lost." or "connect ECONNREFUSED"; Node's fetch throws a TypeError.
  if (findCause(error, (e) => e instanceof TypeError || (e instanceof Error && /network|connect|fetch failed|dns/i.test(e.message))))
    return { status: "error", message: `${host} could not be reached. Check the address and that the server is running.` };
  return { status: "error", message: `Connecting to ${host} failed: ${error instanceof Error ? error.message : String(error)}` };
}

function findCause(error: unknown, test: (e: unknown) => boolean): unknown {
  for (let e = error, depth = 0; e && depth < 6; e = (e as { cause?: unknown }).cause, depth++) if (test(e)) return e;
  return undefined;
}

function hostOf(url: string): string {
  try {
    return new URL(url).host;
  } catch {
    return url;
  }
}
