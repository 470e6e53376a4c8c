import { START_DOCUMENT_PARAM } from "../chat/ids";

/**
 * "Start chat" from an assistant: a new chat (/) told which assistant to take its settings from, and
 * the assistant's documents through the Documents page's own parameter. Kept apart from the page so
 * the chat page reads the parameter's name without loading the page.
 */
export const START_ASSISTANT_PARAM = "assistant";

export function chatWithAssistantPath(assistant: { id: string; documentIds: readonly string[] }): string {
  const params = new URLSearchParams({ [START_ASSISTANT_PARAM]: assistant.id });
  // The Documents page's "Start a chat with this document" parameter: the chat attaches them with its first message.
  for (const id of assistant.documentIds) params.append(START_DOCUMENT_PARAM, id);
  return `/?${params}`;
}
