/**
 * The test MCP server's fixed bearer token (e2e/support/mcp-server.ts), in a module of its own: the
 * Worker tests run in workerd and import only this, never the server (its SDK and Express would be
 * shipped to workerd, past the test runner's 1 MiB message limit, and take the whole pool down).
 */
export const MCP_TEST_BEARER = "test-bearer-7f3a9c";
