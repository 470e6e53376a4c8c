import type { EditableSettings } from "../chat/settings";
import { getAssistant } from "./api";

/**
 * The settings a new chat takes from an assistant: its model, instructions, temperature and tools,
 * and its id (saved with the conversation, so the assistant lists the chat). Loaded by the chat page
 * only when it opens with ?assistant=<id>, so its first load does not carry this.
 */
export async function assistantSettings(id: string): Promise<Partial<EditableSettings>> {
  const assistant = await getAssistant(id);
  return {
    model: assistant.model,
    system: assistant.instructions,
    temperature: assistant.temperature,
    tools: assistant.tools,
    assistantId: assistant.id,
  };
}
