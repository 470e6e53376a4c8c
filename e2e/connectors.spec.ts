import AxeBuilder from "@axe-core/playwright";
import { expect, test, type Page } from "@playwright/test";
import type { ConnectorList } from "../contract/connectors";
import { ChatPage } from "./pages/ChatPage";
import { lastRequest, offeredToolNames, requestsSinceScript, setScript, toolResultsIn } from "./support/fake-control";
import { MCP_TEST_BEARER, type McpTestServer, startMcpServer } from "./support/mcp-server";

// Settings → Connectors (issue 23) in a real browser against the real Worker, which talks to a REAL
// MCP server (@modelcontextprotocol/sdk, e2e/support/mcp-server.ts) on loopback: the test stacks set
// ALLOW_PRIVATE_OUTBOUND=true, as `npm run dev` does. The OAuth door's authorize step approves at
// once (TEST ONLY), so the flow goes browser → app → server's /authorize → app's callback → page.

let mcp: McpTestServer;

// Each test goes through the Worker to the MCP server and back several times; a loaded machine needs more than the default minute.
test.describe.configure({ timeout: 180_000 });

test.beforeAll(async () => {
  mcp = await startMcpServer(0);
});

test.afterAll(async () => {
  await mcp?.close();
});

async function openConnectors(page: Page) {
  await page.goto("/connectors");
  await expect(page.getByRole("heading", { level: 1, name: "Connectors" })).toBeVisible();
}

function connector(page: Page, name: string) {
  return page.getByRole("list", { name: "Your connectors" }).getByRole("listitem", { name });
}

test("add a server with a bearer token, see its tools, switch one off, remove it", async ({ page }) => {
  await openConnectors(page);
  const form = page.getByRole("form", { name: "Add a connector" });
  await form.getByLabel("Server URL").fill(`${mcp.url}/bearer/mcp`);
  await form.getByRole("radio", { name: "Bearer token" }).check();
  await form.getByRole("textbox", { name: "Bearer token" }).fill(MCP_TEST_BEARER);
  await form.getByRole("button", { name: "Add connector" }).click();

  await expect(page.getByRole("status")).toHaveText("Added test-tools: 3 tools.");
  const card = connector(page, "test-tools");
  await expect(card).toContainText("Status: Connected");
  await expect(card).toContainText("bearer token stored");
  for (const tool of ["shout", "add", "fail"]) {
    await expect(card.getByRole("switch", { name: `Use ${tool}` })).toBeChecked();
    await expect(card.getByRole("switch", { name: `Ask before running ${tool}` })).toBeChecked();
  }
  expect(mcp.calls.some((c) => c.door === "bearer" && c.method === "tools/list")).toBe(true);

  await card.getByRole("switch", { name: "Use add" }).click();
  await expect(card.getByRole("switch", { name: "Use add" })).not.toBeChecked();
  await card.getByRole("switch", { name: "Ask before running shout" }).click();
  await expect(card.getByRole("switch", { name: "Ask before running shout" })).not.toBeChecked();

  // Saved in the person's store, and the token never comes back to the browser.
  await page.reload();
  await expect(connector(page, "test-tools").getByRole("switch", { name: "Use add" })).not.toBeChecked();
  await expect(connector(page, "test-tools").getByRole("switch", { name: "Use shout" })).toBeChecked();
  await expect(connector(page, "test-tools").getByRole("switch", { name: "Ask before running shout" })).not.toBeChecked();
  const listed = await page.request.get("/api/connectors");
  expect(await listed.text()).not.toContain(MCP_TEST_BEARER);
  expect(await page.content()).not.toContain(MCP_TEST_BEARER);

  const axe = await new AxeBuilder({ page }).include("main").analyze();
  expect(axe.violations.filter((v) => v.impact === "serious" || v.impact === "critical")).toEqual([]);

  await connector(page, "test-tools").getByRole("button", { name: "Remove test-tools" }).click();
  const dialog = page.getByRole("dialog", { name: "Remove test-tools?" });
  await dialog.getByRole("button", { name: "Remove" }).click();
  await expect(page.getByRole("status")).toHaveText("Removed test-tools.");
  await expect(page.getByText("No connectors yet.")).toBeVisible();
});

test("a server that needs a token says so in words and is not added", async ({ page }) => {
  await openConnectors(page);
  const form = page.getByRole("form", { name: "Add a connector" });
  await form.getByLabel("Server URL").fill(`${mcp.url}/bearer/mcp`);
  await form.getByRole("button", { name: "Add connector" }).click();
  await expect(page.getByRole("alert")).toContainText("needs you to sign in: add a bearer token");
  await expect(page.getByText("No connectors yet.")).toBeVisible();
});

test("sign in with OAuth: the browser goes to the server's authorize step and comes back Connected", async ({ page }) => {
  await openConnectors(page);
  const form = page.getByRole("form", { name: "Add a connector" });
  await form.getByLabel("Server URL").fill(`${mcp.url}/oauth/mcp`);
  await form.getByRole("radio", { name: "Sign in with OAuth" }).check();
  const authorize = page.waitForRequest((r) => r.url().startsWith(`${mcp.url}/authorize`));
  await form.getByRole("button", { name: "Add and sign in" }).click();
  const request = await authorize;
  expect(new URL(request.url()).searchParams.get("code_challenge_method")).toBe("S256");

  await expect(page).toHaveURL(/\/connectors$/, { timeout: 60_000 });
  await expect(page.getByRole("status")).toHaveText("Signed in to test-tools.");
  const card = connector(page, "test-tools");
  await expect(card).toContainText("Status: Connected");
  await expect(card).toContainText("OAuth");
  await expect(card.getByRole("switch", { name: "Use shout" })).toBeChecked();
  expect(mcp.calls.some((c) => c.door === "oauth" && c.method === "tools/list")).toBe(true);

  await card.getByRole("button", { name: "Remove test-tools" }).click();
  await page.getByRole("dialog", { name: "Remove test-tools?" }).getByRole("button", { name: "Remove" }).click();
  await expect(page.getByText("No connectors yet.")).toBeVisible();
});

test("an answer uses a connector's tool: it asks first, runs on the MCP server once allowed, and the model gets its result", async ({
  page,
}) => {
  await openConnectors(page);
  const form = page.getByRole("form", { name: "Add a connector" });
  await form.getByLabel("Server URL").fill(`${mcp.url}/bearer/mcp`);
  await form.getByRole("radio", { name: "Bearer token" }).check();
  await form.getByRole("textbox", { name: "Bearer token" }).fill(MCP_TEST_BEARER);
  await form.getByRole("button", { name: "Add connector" }).click();
  await expect(connector(page, "test-tools")).toContainText("Status: Connected");
  const { connectors } = (await (await page.request.get("/api/connectors")).json()) as ConnectorList;
  const shout = connectors[0].tools.find((t) => t.name === "shout")!;
  expect(shout.key).toBe(`mcp_${connectors[0].id.slice(0, 6)}_shout`);

  // The fake model (TEST DOUBLE) calls the connector's tool by its key, then answers once the result is back.
  await setScript({ toolCalls: [{ name: shout.key, arguments: { text: "hello from the connector" } }], text: "The server shouted back." });
  const chat = new ChatPage(page);
  await chat.goto("/");
  await chat.send("Shout hello through the connector");
  const answer = chat.lastAnswer();
  // Named by the server's tool and the connector, not by its mcp_ key.
  const call = answer.getByRole("group", { name: "Tool: shout (test-tools)" });
  await expect(call.getByRole("status")).toHaveText("Waiting for approval");
  await expect(call).toContainText("text: hello from the connector");
  await chat.waitForAnswer();
  expect(offeredToolNames(await lastRequest())).toContain(shout.key);
  expect(mcp.calls.some((c) => c.tool === "shout")).toBe(false);

  await call.getByRole("button", { name: "Allow" }).click();
  await expect(call.getByRole("status")).toHaveText("Done");
  await expect(answer).toContainText("The server shouted back.");
  await chat.waitForAnswer();
  expect(mcp.calls.filter((c) => c.door === "bearer" && c.tool === "shout")).toHaveLength(1);
  expect(toolResultsIn((await requestsSinceScript()).at(-1)).join("\n")).toContain("HELLO FROM THE CONNECTOR");

  // Saved: a reload shows the call done and the answer.
  await page.reload();
  await expect(
    chat
      .lastAnswer()
      .getByRole("group", { name: /^Tool: / })
      .getByRole("status"),
  ).toHaveText("Done");
  await expect(chat.lastAnswer()).toContainText("The server shouted back.");
  await setScript({ tokens: 40 });
});
