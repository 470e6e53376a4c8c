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
