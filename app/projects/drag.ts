/** The drag data a conversation row carries: its id, under a type no other drag (files, text) has. */
export const CONVERSATION_DRAG_TYPE = "application/x-conversation-id";
