import type { EditableSettings } from "../chat/settings";
import { getProject } from "./api";

/**
 * What "New chat" in a project starts with: its model and tools preselected (the person may change
 * them before sending or later), and its name for the empty chat to say where it is. Loaded by the
 * chat page only when it opens with ?project=<id>, so its first load does not carry this.
 */
export async function projectStart(id: string): Promise<{ name: string; settings: Partial<EditableSettings> }> {
  const { name, defaults } = await getProject(id);
  return {
    name,
    settings: {
      ...(defaults.model ? { model: defaults.model } : {}),
      ...(defaults.tools ? { tools: defaults.tools } : {}),
    },
  };
}
