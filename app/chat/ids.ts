import { randomBase64Url } from "../../contract/ids";

/**
 * A new conversation's id, minted in the browser so the first message can be sent before the
 * conversation exists: 128 random bits in base64url (22 characters), unguessable like server ids.
 */
export function newConversationId(): string {
  return randomBase64Url(16);
}

export function conversationPath(id: string): string {
  return `/c/${id}`;
}
