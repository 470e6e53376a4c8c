import { useEffect, useRef, useState } from "react";
import { BUILTIN_TOOLS, type BuiltinTool } from "../../contract/builtin-tools";
import type { ConnectorList, ConnectorSummary } from "../../contract/connectors";
import { request } from "../api";

/**
 * The tools a person can switch on for a chat: the built-ins and their connectors' tools. One list
 * for the chat's Tools panel (./ToolsPanel.tsx) and a project's "Tools for new chats"
 * (../projects/ProjectDialog.tsx), so both offer the same tools. Both load lazily; so does this.
 */
export interface ToolChoice {
  key: string;
  label: string;
  /** Asks before it runs (a built-in that spends or reaches out; a connector tool set to ask first). */
  asks: boolean;
  /** On when the conversation has not picked its tools. */
  onByDefault: boolean;
}

export const BUILTIN_CHOICES: readonly ToolChoice[] = BUILTIN_TOOLS.map((tool: BuiltinTool) => ({
  key: tool.name,
  label: tool.label,
  asks: tool.needsApproval,
  onByDefault: tool.onByDefault !== false,
}));

/**
 * The person's connector tools, read when first wanted (not on every conversation's first paint);
 * none, not an error, when this deployment has no connectors API or it fails.
 */
export function useConnectorTools(wanted: boolean): ToolChoice[] {
  const [connectors, setConnectors] = useState<ConnectorSummary[]>([]);
  const askedRef = useRef(false);
  useEffect(() => {
    if (!wanted || askedRef.current) return;
    askedRef.current = true;
    // Not cancelled when the panel closes: the list is kept for the next opening.
    request<ConnectorList>("/api/connectors").then(
      (list) => setConnectors(list.connectors ?? []),
      () => {},
    );
  }, [wanted]);
  return connectors.flatMap((connector) =>
    connector.tools.map((tool) => ({
      key: tool.key,
      label: `${tool.name} (${connector.name})`,
      asks: tool.askFirst,
      onByDefault: tool.enabled,
    })),
  );
}

/**
 * `tools` after one tool is switched: "every tool" (undefined) first becomes the explicit list of
 * those on by default; keys no longer listed (a removed connector's) are kept, so switching one tool
 * never drops another.
 */
export function switchTool(tools: string[] | undefined, all: readonly ToolChoice[], key: string, on: boolean): string[] {
  const current = tools ?? all.filter((c) => c.onByDefault).map((c) => c.key);
  return on ? [...new Set([...current, key])] : current.filter((k) => k !== key);
}

export function isToolOn(tools: string[] | undefined, choice: ToolChoice): boolean {
  return tools ? tools.includes(choice.key) : choice.onByDefault;
}
