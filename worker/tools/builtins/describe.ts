import { BUILTIN_TOOLS, type BuiltinToolName } from "../../../contract/builtin-tools";

/** What the model is told a built-in does: the catalog's own sentence, so the Tools control and the model agree. */
export function describeBuiltin(name: BuiltinToolName): string {
  const entry = BUILTIN_TOOLS.find((t) => t.name === name);
  if (!entry) throw new Error(`No built-in tool ${name}`);
  return entry.description;
}
