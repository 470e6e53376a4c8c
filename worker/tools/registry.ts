import { asSchema, type Tool, type ToolApprovalStatus, type ToolSet } from "ai";
import type { ChatSettings } from "../../contract/api";
import { findChatModel } from "../../contract/models";
import { BUILTIN_TOOLS, type BuiltinTool, findBuiltinTool } from "../../contract/builtin-tools";
import { TOOL_LIMITS } from "../../contract/tools";
import { PromptSize } from "../spend/estimate";
import { guardTool } from "./run-tool";

/** The tools of the person's connectors, as worker/connectors/tools.ts hands them over for one answer. */
export interface ConnectorToolSet {
  tools: Record<string, Tool>;
  /** By key: true unless the person switched approval off for that tool. */
  needsApproval: Record<string, boolean>;
  labels: Record<string, string>;
  close(): Promise<void>;
}

/** What one answer offers the model: `streamText`'s `tools`, `toolApproval` and step limit. */
export interface ToolOffer {
  tools: ToolSet;
  toolApproval: Record<string, ToolApprovalStatus>;
  maxSteps: number;
  /** Closes the connections the tools hold (MCP clients); called once the answer has ended. */
  close(): Promise<void>;
}

/** Whether the model is offered tools at all: the catalog says whether it does function calling. */
export function modelTakesTools(model: string): boolean {
  return findChatModel(model)?.tools === true;
}

/** The built-ins on for a conversation: those on by default until its settings name which. */
export function builtinsOn(settings: Pick<ChatSettings, "tools">): string[] {
  const named = settings.tools;
  return BUILTIN_TOOLS.filter((tool: BuiltinTool) => (named ? named.includes(tool.name) : tool.onByDefault !== false)).map(
    (tool) => tool.name,
  );
}

/**
 * The connector tool keys the conversation names; undefined = every connector tool switched on in
 * Settings → Connectors (what connectorTools takes as `enabledKeys`). An empty list opens nothing.
 */
export function connectorKeysOn(settings: Pick<ChatSettings, "tools">): string[] | undefined {
  return settings.tools?.filter((key) => !findBuiltinTool(key));
}

/**
 * How a call of `key` is approved. A built-in that spends, writes or reaches outside asks (the
 * catalog's `needsApproval`); a connector tool asks unless the person switched that off for it;
 * "Always allow this tool in this conversation" (settings.alwaysAllow) lifts either. A lifted one
 * is 'approved' (the part records it was allowed automatically); a read-only built-in is
 * 'not-applicable' (it just runs: no approval parts for the calculator).
 */
export function approvalFor(key: string, needsApproval: boolean, alwaysAllow: readonly string[] = []): ToolApprovalStatus {
  if (!needsApproval) return "not-applicable";
  return alwaysAllow.includes(key) ? "approved" : "user-approval";
}

/**
 * The tools one answer offers, each guarded (run-tool.ts: timeout, capped output, errors in
 * words), with their approvals; undefined when none is on, so a turn without tools builds nothing
 * tool-related. At most TOOL_LIMITS.perAnswer tools (built-ins first): each schema is prompt tokens.
 */
export function offerTools(
  settings: Pick<ChatSettings, "tools" | "maxSteps" | "alwaysAllow">,
  builtins: Partial<Record<string, Tool>>,
  connectors?: ConnectorToolSet,
  limits: { timeoutMs?: number; outputChars?: number } = {},
): ToolOffer | undefined {
  const tools: ToolSet = {};
  const toolApproval: Record<string, ToolApprovalStatus> = {};
  const add = (key: string, tool: Tool | undefined, label: string, needsApproval: boolean) => {
    if (!tool || Object.keys(tools).length >= TOOL_LIMITS.perAnswer || key in tools) return;
    tools[key] = guardTool(tool, { label, ...limits });
    toolApproval[key] = approvalFor(key, needsApproval, settings.alwaysAllow);
  };
  for (const name of builtinsOn(settings)) {
    const entry = findBuiltinTool(name)!;
    add(name, builtins[name], entry.label, entry.needsApproval);
  }
  if (connectors)
    for (const [key, tool] of Object.entries(connectors.tools))
      add(key, tool, connectors.labels[key] ?? key, connectors.needsApproval[key] ?? true);
  const close = async () => {
    await connectors?.close().catch(() => {});
  };
  if (!Object.keys(tools).length) {
    void close();
    return undefined;
  }
  return { tools, toolApproval, maxSteps: settings.maxSteps ?? TOOL_LIMITS.maxSteps.default, close };
}

/**
 * The prompt tokens the tools' definitions add to every step (each one's name, description and
 * JSON schema, as the template writes them; worker/spend/estimate.ts counts them as it counts tool calls).
 */
export async function toolsPromptTokens(tools: ToolSet): Promise<number> {
  const size = new PromptSize();
  for (const [key, tool] of Object.entries(tools)) {
    const schema = tool.inputSchema ? await asSchema(tool.inputSchema).jsonSchema : {};
    size
      .item()
      .text(key)
      .text(typeof tool.description === "string" ? tool.description : "")
      .json(schema);
  }
  // PromptSize adds a call's own overhead once; the caller's prompt already counted it.
  return size.tokens() - new PromptSize().tokens();
}
