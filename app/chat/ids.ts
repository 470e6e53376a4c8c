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

/**
 * "New chat" in a project: a draft like any new chat (nothing is saved until its first message), told
 * which project to start in; that message makes the conversation in it (POST /api/chat's projectId).
 */
export const START_PROJECT_PARAM = "project";
export function chatInProjectPath(projectId: string): string {
  return `/?${START_PROJECT_PARAM}=${encodeURIComponent(projectId)}`;
}
