import type { ChatMessage } from "./messages";

/**
 * Which parts of a message are tool calls (the AI SDK's `tool-<name>` and `dynamic-tool` UI parts).
 * Its own module so the chat page's first load can tell a tool part apart without carrying how one
 * is read (./tool-parts.ts loads with the part's own chunk).
 */
export type ToolPart = Extract<ChatMessage["parts"][number], { toolCallId: string }>;

export function isToolPart(part: ChatMessage["parts"][number]): part is ToolPart {
  return part.type === "dynamic-tool" || part.type.startsWith("tool-");
}
