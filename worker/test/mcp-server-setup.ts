import type { TestProject } from "vitest/node";
import { startMcpServer } from "../../e2e/support/mcp-server";

/**
 * Vitest global setup (Node, outside workerd): the real MCP test server (e2e/support/mcp-server.ts)
 * on a free loopback port, which the connector tests in workerd reach by fetch; its address is
 * handed over with `inject("mcpServerUrl")`.
 */
export default async function setup(project: TestProject) {
  const server = await startMcpServer(0);
  project.provide("mcpServerUrl", server.url);
  return () => server.close();
}

declare module "vitest" {
  export interface ProvidedContext {
    mcpServerUrl: string;
  }
}
