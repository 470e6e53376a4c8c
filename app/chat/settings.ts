import type { ChatSettings, Conversation } from "../../contract/api";
import { CHAT_SETTINGS_LIMITS as L, DEFAULT_CHAT_MODEL } from "../../contract/models";
import { TOOL_LIMITS, type ReasoningEffort } from "../../contract/tools";

/** What the panel edits: every field has a value, so the controls are always controlled. */
export interface EditableSettings {
  model: string;
  system: string;
  temperature: number;
  maxTokens: number;
  /** The tools on; undefined until the person picks (then every built-in and every connector tool switched on is). */
  tools: string[] | undefined;
  maxSteps: number;
  /** Tools that run without asking in this conversation. */
  alwaysAllow: string[];
  /** For models that take one (the catalog's `reasoningEffort`); undefined = the model's own default. */
  reasoningEffort: ReasoningEffort | undefined;
  /** The assistant the chat was started from (app/assistants/), kept so the assistant lists it. */
  assistantId?: string;
}

export function initialSettings(conversation: Conversation | null): EditableSettings {
  const saved = conversation?.settings ?? {};
  return {
    model: saved.model ?? DEFAULT_CHAT_MODEL,
    system: saved.system ?? "",
    temperature: saved.temperature ?? L.temperature.default,
    maxTokens: saved.maxTokens ?? L.maxTokens.default,
    tools: saved.tools,
    maxSteps: saved.maxSteps ?? TOOL_LIMITS.maxSteps.default,
    alwaysAllow: saved.alwaysAllow ?? [],
    reasoningEffort: saved.reasoningEffort,
    assistantId: saved.assistantId,
  };
}

/** The settings as the API takes them: an empty system prompt means "none", not "an empty one". */
export function toApiSettings(settings: EditableSettings): ChatSettings {
  const { system, tools, alwaysAllow, ...rest } = settings;
  return {
    ...rest,
    ...(system.trim() ? { system } : {}),
    // Unset tools stay unset (the tools on by default). The always-allowed list always goes: the server keeps
    // an omitted setting, so an emptied list must be sent to be saved empty.
    ...(tools ? { tools } : {}),
    alwaysAllow,
  };
}
