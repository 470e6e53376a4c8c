/**
 * `mcp_<6 characters of the connector id>_<tool name>`: only `[A-Za-z0-9_-]`, at most 64 characters
 * (the function-calling rule the model APIs share), unique among the person's connector tools (a
 * clash after cleaning or cutting gets a number). Keys are given over every listed tool in the list's
 * order (connectors by creation, tools by the server's order), switched on or not, so switching a tool
 * never renames another, and a conversation's saved `tools`/`alwaysAllow` keep naming the same tools.
 */
export function toolKey(connectorId: string, toolName: string, taken: Set<string>): string {
  const prefix = `mcp_${connectorId.slice(0, 6).replace(/[^A-Za-z0-9_-]/g, "_")}_`;
  const name = toolName.replace(/[^A-Za-z0-9_-]/g, "_") || "tool";
  let key = (prefix + name).slice(0, 64);
  for (let n = 2; taken.has(key); n++) key = `${(prefix + name).slice(0, 64 - `_${n}`.length)}_${n}`;
  taken.add(key);
  return key;
}
