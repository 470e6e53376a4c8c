import type { AssistantInput } from "../../../contract/assistants";
import { findBuiltinTool } from "../../../contract/builtin-tools";
import { AppError } from "../../../contract/errors";
import { findChatModel } from "../../../contract/models";

/** What an assistant may name, as the person has it now. */
export interface AssistantWorld {
  /** The keys of the person's connector tools (Settings → Connectors). */
  connectorToolKeys: ReadonlySet<string>;
  /** Whether the person's library has this document. */
  hasDocument(id: string): boolean;
}

/**
 * Refuses an assistant that names what the person cannot use: a model outside the catalog, a tool
 * that is neither a built-in nor one of their connectors' tools, a document not in their library.
 * Each refusal names the field, so the form can say which one is wrong.
 */
export function checkAssistant(input: AssistantInput, world: AssistantWorld): void {
  if (!findChatModel(input.model))
    throw new AppError("unknown_model", `"${input.model}" is not a chat model this app offers. Pick one from the list.`);
  for (const key of input.tools ?? [])
    if (!findBuiltinTool(key) && !world.connectorToolKeys.has(key))
      throw new AppError(
        "bad_request",
        `The tool "${key}" is neither a built-in tool nor a tool of one of your connectors. Pick tools from the list.`,
      );
  for (const id of input.documentIds)
    if (!world.hasDocument(id))
      throw new AppError("bad_request", `The document "${id}" is not in your library (it may have been deleted). Attach another one.`);
}
