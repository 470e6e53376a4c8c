import type { ChatSettings, Conversation } from "../../contract/api";
import { CHAT_SETTINGS_LIMITS as L, DEFAULT_CHAT_MODEL } from "../../contract/models";
import type { ReasoningEffort } from "../../contract/tools";

/** What the panel edits: every field has a value, so the controls are always controlled. */
export interface EditableSettings {
  model: string;
  system: string;
  temperature: number;
  maxTokens: number;
  /** For models that take one (the catalog's `reasoningEffort`); undefined = the model's own default. */
  reasoningEffort: ReasoningEffort | undefined;
}

export function initialSettings(conversation: Conversation | null): EditableSettings {
  const saved = conversation?.settings ?? {};
  return {
    model: saved.model ?? DEFAULT_CHAT_MODEL,
    system: saved.system ?? "",
    temperature: saved.temperature ?? L.temperature.default,
    maxTokens: saved.maxTokens ?? L.maxTokens.default,
    reasoningEffort: saved.reasoningEffort,
  };
}

/** The settings as the API takes them: an empty system prompt means "none", not "an empty one". */
export function toApiSettings(settings: EditableSettings): ChatSettings {
  const { system, ...rest } = settings;
  return system.trim() ? { ...rest, system } : rest;
}
