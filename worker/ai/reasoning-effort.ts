import { findChatModel } from "../../contract/models";
import type { ReasoningEffort } from "../../contract/tools";

/**
 * The AI SDK's `reasoning` call option for a model: the conversation's effort when the catalog says
 * the model takes one, else nothing (a model without effort levels would be sent a field it rejects
 * or ignores). workers-ai-provider 4.0.0 turns the option into the chat inputs' `reasoning_effort`.
 */
export function reasoningEffortFor(model: string, effort: ReasoningEffort | undefined): ReasoningEffort | undefined {
  return effort && findChatModel(model)?.reasoningEffort ? effort : undefined;
}
