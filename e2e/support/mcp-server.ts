/// <reference path="./express-shim.d.ts" />
/**
 * A REAL MCP server (from @modelcontextprotocol/sdk) on loopback for the connector tests, speaking
 * Streamable HTTP (stateless: a server and transport per request). Three doors to the same tools:
 *   /open/mcp    no authorization
 *   /bearer/mcp  a fixed bearer token (MCP_TEST_BEARER)
 *   /oauth/mcp   OAuth 2.1 through the SDK's server auth pieces: mcpAuthRouter (authorization server
 *                metadata, dynamic client registration, /authorize with PKCE S256, /token) and
 *                requireBearerAuth with protected resource metadata pointing at it.
 * TEST ONLY: the /authorize step approves at once, with nobody signing in (a real authorization server
 * shows a sign-in and consent page there); codes and tokens live in memory.
 * Usage: `tsx e2e/support/mcp-server.ts <port>`, or startMcpServer(port) from a test.
 */
import { randomUUID } from "node:crypto";
import type { Server } from "node:http";
import { mcpAuthRouter } from "@modelcontextprotocol/sdk/server/auth/router.js";
import { requireBearerAuth } from "@modelcontextprotocol/sdk/server/auth/middleware/bearerAuth.js";
import type { OAuthServerProvider, AuthorizationParams } from "@modelcontextprotocol/sdk/server/auth/provider.js";
import type { OAuthRegisteredClientsStore } from "@modelcontextprotocol/sdk/server/auth/clients.js";
import type { AuthInfo } from "@modelcontextprotocol/sdk/server/auth/types.js";
import type { OAuthClientInformationFull, OAuthTokens } from "@modelcontextprotocol/sdk/shared/auth.js";
import { getOAuthProtectedResourceMetadataUrl } from "@modelcontextprotocol/sdk/server/auth/router.js";
import { McpServer } from "@modelcontextprotocol/sdk/server/mcp.js";
import { StreamableHTTPServerTransport } from "@modelcontextprotocol/sdk/server/streamableHttp.js";
import { SSEServerTransport } from "@modelcontextprotocol/sdk/server/sse.js";
import express, { type RequestHandler, type Response } from "express";
import { z } from "zod";

import { MCP_TEST_BEARER } from "./mcp-test-bearer";

export { MCP_TEST_BEARER };

/** The tools every door offers. `shout` returns the text in capitals, so an answer that used it is recognisable. */
function makeServer(): McpServer {
  const server = new McpServer({ name: "test-tools", version: "1.0.0" });
  server.registerTool(
    "shout",
    { description: "Returns the text in capital letters.", inputSchema: { text: z.string() } },
    async ({ text }) => ({ content: [{ type: "text", text: text.toUpperCase() }] }),
  );
  server.registerTool("add", { description: "Adds two numbers.", inputSchema: { a: z.number(), b: z.number() } }, async ({ a, b }) => ({
    content: [{ type: "text", text: String(a + b) }],
  }));
  server.registerTool("fail", { description: "Always fails." }, async () => ({
    content: [{ type: "text", text: "The test tool failed on purpose." }],
    isError: true,
  }));
  return server;
}

/** TEST ONLY: an authorization server that approves every request at once and keeps everything in memory. */
class AutoApproveProvider implements OAuthServerProvider {
  private readonly clients = new Map<string, OAuthClientInformationFull>();
  private readonly codes = new Map<string, { clientId: string; params: AuthorizationParams }>();
  private readonly tokens = new Map<string, { clientId: string; expiresAt: number; resource?: URL }>();

  readonly clientsStore: OAuthRegisteredClientsStore = {
    getClient: async (id) => this.clients.get(id),
    registerClient: async (client) => {
      const full = client as OAuthClientInformationFull;
      this.clients.set(full.client_id, full);
      return full;
    },
  };

  async authorize(client: OAuthClientInformationFull, params: AuthorizationParams, res: Response): Promise<void> {
    // The SDK's handler has checked the client, its redirect_uri and the PKCE challenge already.
    const code = randomUUID();
    this.codes.set(code, { clientId: client.client_id, params });
    const target = new URL(params.redirectUri);
    target.searchParams.set("code", code);
    if (params.state !== undefined) target.searchParams.set("state", params.state);
    res.redirect(target.href);
  }

  async challengeForAuthorizationCode(_client: OAuthClientInformationFull, code: string): Promise<string> {
    const entry = this.codes.get(code);
    if (!entry) throw new Error("Unknown authorization code");
    return entry.params.codeChallenge;
  }

  async exchangeAuthorizationCode(client: OAuthClientInformationFull, code: string): Promise<OAuthTokens> {
    const entry = this.codes.get(code);
    if (!entry || entry.clientId !== client.client_id) throw new Error("Authorization code not issued to this client");
    this.codes.delete(code);
    const token = randomUUID();
    this.tokens.set(token, { clientId: client.client_id, expiresAt: Date.now() + 3_600_000, resource: entry.params.resource });
    return { access_token: token, token_type: "bearer", expires_in: 3600 };
  }

  async exchangeRefreshToken(): Promise<OAuthTokens> {
    throw new Error("Refresh tokens are not issued by this test server");
  }

  async verifyAccessToken(token: string): Promise<AuthInfo> {
    const entry = this.tokens.get(token);
    if (!entry || entry.expiresAt < Date.now()) throw new Error("Invalid or expired token");
    return { token, clientId: entry.clientId, scopes: [], expiresAt: Math.floor(entry.expiresAt / 1000), resource: entry.resource };
  }
}

export interface McpTestServer {
  url: string;
  /** Requests each door has served (POSTs to /…/mcp), so a test can tell the Worker really called it. */
  calls: { door: string; method?: string; tool?: string }[];
  close(): Promise<void>;
}

export async function startMcpServer(port = 0): Promise<McpTestServer> {
  const app = express();
  const calls: McpTestServer["calls"] = [];
  const base = new URL(`http://127.0.0.1:${port}`);
  const server: Server = await new Promise((resolve) => {
    const s = app.listen(port, "127.0.0.1", () => resolve(s));
  });
  const address = server.address();
  if (address && typeof address === "object") base.port = String(address.port);

  const provider = new AutoApproveProvider();
  const oauthResource = new URL("/oauth/mcp", base);
  app.use(
    mcpAuthRouter({
      provider,
      issuerUrl: base,
      resourceServerUrl: oauthResource,
      resourceName: "Test MCP server (OAuth)",
      // Every test client comes from 127.0.0.1: the SDK's per-address limits would refuse later tests.
      authorizationOptions: { rateLimit: false },
      clientRegistrationOptions: { rateLimit: false },
      tokenOptions: { rateLimit: false },
    }),
  );

  const bearerOnly: RequestHandler = (req, res, next) => {
    if (req.headers.authorization === `Bearer ${MCP_TEST_BEARER}`) return next();
    res.status(401).set("WWW-Authenticate", 'Bearer error="invalid_token"').json({ error: "invalid_token" });
  };
  const oauthOnly = requireBearerAuth({ verifier: provider, resourceMetadataUrl: getOAuthProtectedResourceMetadataUrl(oauthResource) });
  const open: RequestHandler = (_req, _res, next) => next();

  for (const [door, guard] of [
    ["open", open],
    ["bearer", bearerOnly],
    ["oauth", oauthOnly],
  ] as const) {
    app.post(`/${door}/mcp`, express.json(), guard, async (req, res) => {
      calls.push({ door, method: req.body?.method, tool: req.body?.params?.name });
      const mcp = makeServer();
      const transport = new StreamableHTTPServerTransport({ sessionIdGenerator: undefined });
      res.on("close", () => {
        void transport.close();
        void mcp.close();
      });
      await mcp.connect(transport);
      await transport.handleRequest(req, res, req.body);
    });
    // Stateless: no server-initiated stream and no session to end.
    app.all(`/${door}/mcp`, (_req, res) => {
      res
        .status(405)
        .set("Allow", "POST")
        .json({ jsonrpc: "2.0", error: { code: -32000, message: "Method not allowed." }, id: null });
    });
  }

  // The older HTTP+SSE transport only (/sse/mcp): a POST there is 405, as on such servers, so a
  // client trying Streamable HTTP first falls back to SSE. Messages go to /sse/messages?sessionId=….
  const sseSessions = new Map<string, SSEServerTransport>();
  app.get("/sse/mcp", async (_req, res) => {
    const transport = new SSEServerTransport("/sse/messages", res);
    sseSessions.set(transport.sessionId, transport);
    const mcp = makeServer();
    res.on("close", () => {
      sseSessions.delete(transport.sessionId);
      void mcp.close();
    });
    await mcp.connect(transport);
  });
  app.post("/sse/messages", express.json(), async (req, res) => {
    const transport = sseSessions.get(String(req.query.sessionId));
    if (!transport) return void res.status(404).json({ error: "no such session" });
    calls.push({ door: "sse", method: req.body?.method, tool: req.body?.params?.name });
    await transport.handlePostMessage(req, res, req.body);
  });
  app.post("/sse/mcp", (_req, res) => void res.status(405).set("Allow", "GET").end());

  return {
    url: base.origin,
    calls,
    close: () => new Promise((resolve) => server.close(() => resolve())),
  };
}

if (process.argv[1]?.endsWith("mcp-server.ts")) {
  const running = await startMcpServer(Number(process.argv[2] ?? 8796));
  console.log(`Test MCP server on ${running.url} (/open/mcp, /bearer/mcp with token ${MCP_TEST_BEARER}, /oauth/mcp, /sse/mcp)`);
}
