import { conversationPath } from "../chat/ids";

/** The query parameter naming the message a search result opens at. */
export const FOUND_MESSAGE_PARAM = "m";

/** A conversation's address, opened at one message when given (a title hit opens the conversation). */
export function messagePath(conversationId: string, messageId: string | null): string {
  const path = conversationPath(conversationId);
  return messageId ? `${path}?${FOUND_MESSAGE_PARAM}=${encodeURIComponent(messageId)}` : path;
}
