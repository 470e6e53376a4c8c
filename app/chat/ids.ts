/**
 * A new conversation's id, minted in the browser so the first message can be sent before the
 * conversation exists: 128 random bits in base64url (22 characters), unguessable like server ids.
 */
export function newConversationId(): string {
  const bytes = crypto.getRandomValues(new Uint8Array(16));
  return btoa(String.fromCharCode(...bytes)).replace(/\+/g, "-").replace(/\//g, "_").replace(/=+$/, "");
}

export function conversationPath(id: string): string {
  return `/c/${id}`;
}
