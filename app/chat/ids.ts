import { randomId } from "../../contract/ids";

/**
 * A new conversation's id, minted in the browser so the first message can be sent before the
 * conversation exists, unguessable like the ids the Worker makes.
 */
export function newConversationId(): string {
  return randomId();
}

export function conversationPath(id: string): string {
  return `/c/${id}`;
}

/** "Start a chat with this document": a new chat whose first message attaches the document. */
export const START_DOCUMENT_PARAM = "document";
export function chatWithDocumentPath(documentId: string): string {
  return `/?${START_DOCUMENT_PARAM}=${encodeURIComponent(documentId)}`;
}
