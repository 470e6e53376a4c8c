import type { MCPClient } from "@ai-sdk/mcp";
import type { Tool } from "ai";
import { log } from "../log";
import { connect, describeFailure } from "./mcp-client";
import { StoredOAuthProvider } from "./oauth";
import { checkedFetch, type OutboundEnv } from "./outbound";
import type { ConnectorRow, ConnectorTable } from "./table";

/**
 * The tools of the person's connectors for one answer (the loop in worker/store/answers/ registers
 * them beside the built-ins): each connector with a tool switched on is connected, its tools listed
 * and made AI SDK tools by @ai-sdk/mcp, under keys the model and the conversation's settings use.
 * A connector that fails is left out of this answer and its status and error saved, so the answer
 * goes on without it. `close()` ends every connection (the loop calls it when the answer ends).
 */
export async function connectorTools(ctx: {
  env: Env;
  connectors: ConnectorTable;
  /** Tool keys this conversation allows; undefined = every tool switched on in Settings → Connectors. */
  enabledKeys?: string[];
  signal: AbortSignal;
}): Promise<{
  tools: Record<string, Tool>;
  needsApproval: Record<string, boolean>;
  labels: Record<string, string>;
  close(): Promise<void>;
}> {
  const wanted = ctx.enabledKeys ? new Set(ctx.enabledKeys) : undefined;
  const summaries = ctx.connectors.list();
  const rows = new Map(ctx.connectors.rows().map((row) => [row.id, row]));
  const plans = summaries
    .map((connector) => {
      const keyed = connector.tools.filter((t) => t.enabled && (!wanted || wanted.has(t.key))).map((tool) => ({ tool, key: tool.key }));
      return { connector, row: rows.get(connector.id)!, keyed };
    })
    .filter((plan) => plan.row && plan.keyed.length > 0);

  const opened = await Promise.all(plans.map((plan) => openFor(ctx, plan.row)));
  const clients: MCPClient[] = [];
  const tools: Record<string, Tool> = {};
  const needsApproval: Record<string, boolean> = {};
  const labels: Record<string, string> = {};
  plans.forEach((plan, i) => {
    const made = opened[i];
    if (!made) return;
    clients.push(made.client);
    for (const { tool, key } of plan.keyed) {
      const mcpTool = made.tools[tool.name];
      if (!mcpTool) continue; // Gone from the server since it was listed: the next refresh drops it.
      labels[key] = `${tool.name} (${plan.connector.name})`;
      // The title rides on the tool's parts, so the chat names the tool, not its mcp_ key.
      tools[key] = { ...(mcpTool as Tool), title: labels[key] };
      needsApproval[key] = tool.askFirst;
    }
  });
  return {
    tools,
    needsApproval,
    labels,
    close: async () => {
      await Promise.all(clients.map((client) => client.close().catch(() => undefined)));
    },
  };
}

async function openFor(
  ctx: { env: Env; connectors: ConnectorTable; signal: AbortSignal },
  row: ConnectorRow,
): Promise<{ client: MCPClient; tools: Record<string, unknown> } | null> {
  let client: MCPClient | undefined;
  try {
    const secret = await ctx.connectors.readSecret(row.id);
    const authProvider = row.auth === "oauth" ? await StoredOAuthProvider.load(ctx.connectors, row.id) : undefined;
    client = await connect({
      url: row.url,
      bearer: secret?.bearer,
      authProvider,
      fetch: checkedFetch(ctx.env as OutboundEnv),
      signal: ctx.signal,
    });
    const tools = await client.tools();
    if (row.status !== "connected") ctx.connectors.setStatus(row.id, "connected", null, Date.now());
    return { client, tools };
  } catch (error) {
    await client?.close().catch(() => undefined);
    const { status, message } = describeFailure(error, row.url);
    log("connector.left_out", { status, detail: String(error) });
    ctx.connectors.setStatus(row.id, status, message, Date.now());
    return null;
  }
}
