import type { Tool } from "ai";
import { unwrap } from "../../connectors/outcome";
import type { BuiltinToolContext } from "../../tools/builtins";
import type { TurnPayer } from "../answers/turn";
import type { Person } from "../person";
import { Memories } from "./feature";

/**
 * The `remember` tool's write (worker/tools/builtins/remember.ts), for a chat turn: the same checked,
 * budgeted add as Settings → Memory. Undefined when memory is off.
 */
export function rememberFor(person: Person, payer?: TurnPayer): BuiltinToolContext["remember"] {
  const memories = person.feature(Memories);
  if (!memories.table.enabled()) return undefined;
  // Embedded at once, paid by the answer's payer as its own small reservation; refused, the next question embeds it (./contributor.ts).
  return async (text) => unwrap(await memories.addMemory(text, payer)).memory;
}

/** With memory off the model is not offered `remember` at all (rather than offered a tool that always fails). */
export function withMemoryTools(person: Person, tools: Partial<Record<string, Tool>>): Partial<Record<string, Tool>> {
  if (person.feature(Memories).table.enabled()) return tools;
  const { remember: _off, ...rest } = tools;
  return rest;
}
