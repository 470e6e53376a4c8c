import type { Conversation, ConversationDetail } from "../../contract/api";
import type { ChatMessage } from "../../contract/messages";
import { findChatModel } from "../../contract/models";
import { thinkingTime } from "../../contract/reasoning";
import { compactInput, generatedImageOf, isToolPart, toolLabelOf, toolResultText, type ToolPart } from "../../contract/tool-parts";
import type { TreeMessage } from "../store/conversations/conversation-tree";
import type { ExportedProject } from "../../contract/projects";
import { CONVERSATION_FORMAT, FORMAT_VERSION, type ConversationExport, type ExportedConversation } from "../../contract/transfer";

/** A conversation with every branch, as the store gives it (UserStore.conversationTree). */
export interface ConversationTreeDump {
  conversation: Conversation;
  messages: TreeMessage[];
  activeLeafId: string | null;
  /** Its project, carried inside the exported conversation (Projects.conversationTreeWithProject). */
  project?: ExportedProject | null;
}

/** One conversation in this app's JSON format: every message of every branch with all its metadata. */
export function conversationExport(tree: ConversationTreeDump, now: number): ConversationExport {
  return { format: CONVERSATION_FORMAT, version: FORMAT_VERSION, exportedAt: now, ...exported(tree) };
}

export function exported(tree: ConversationTreeDump): ExportedConversation {
  return {
    conversation: tree.project ? { ...tree.conversation, project: tree.project } : tree.conversation,
    messages: tree.messages.map(({ message, parentId }) => ({ ...message, parentId })),
    activeLeafId: tree.activeLeafId,
  };
}

export interface MarkdownOptions {
  /** The model's reasoning, each as a quoted block where it came: left out unless the export asks (it is not the answer). */
  reasoning?: boolean;
}

/** For people: the title, then each message of the branch on screen under who wrote it; answers name their model. */
export function conversationMarkdown(detail: ConversationDetail, options: MarkdownOptions = {}): string {
  const lines = [
    `# ${oneLine(detail.conversation.title)}`,
    "",
    `_Exported from Workers AI Chat, ${new Date(detail.conversation.updatedAt).toISOString()}_`,
    "",
  ];
  for (const message of detail.messages) {
    lines.push(`## ${heading(message)}`, "", textOf(message, options.reasoning) || "_(no text)_", "");
    const status = message.metadata?.status;
    if (status === "stopped") lines.push("_Stopped: partial answer._", "");
    if (status === "failed") lines.push(`_Failed: ${oneLine(message.metadata?.error ?? "the answer broke off.")}_`, "");
  }
  return lines.join("\n");
}

function heading(message: ChatMessage): string {
  if (message.role === "user") return "You";
  const meta = message.metadata;
  const model = meta?.model ? (findChatModel(meta.model)?.label ?? meta.model) : meta?.servedBy;
  return model ? `Assistant · ${oneLine(model)}` : "Assistant";
}

/** The message's text, with each tool call as its own block where it happened. */
function textOf(message: ChatMessage, withReasoning = false): string {
  const blocks: string[] = [];
  let text: string | undefined;
  let thoughtFor = message.metadata?.reasoningMs;
  for (const part of message.parts) {
    if (part.type === "text") text = text === undefined ? part.text : `${text}\n\n${part.text}`;
    else if (part.type === "reasoning" && withReasoning && part.text.trim()) {
      if (text) blocks.push(text);
      text = undefined;
      blocks.push(reasoningBlock(part.text, thoughtFor));
      // The answer's thinking time covers all its reasoning: said once, on the first.
      thoughtFor = undefined;
    } else if (isToolPart(part)) {
      if (text) blocks.push(text);
      text = undefined;
      blocks.push(toolBlock(part));
    }
  }
  if (text) blocks.push(text);
  return blocks.join("\n\n");
}

function reasoningBlock(text: string, ms: number | undefined): string {
  const head = ms === undefined ? "**Reasoning**" : `**Reasoning** (thought for ${thinkingTime(ms)})`;
  return [head, "", ...text.trim().split("\n")].map((line) => (line ? `> ${line}` : ">")).join("\n");
}

/**
 * A tool call in Markdown: a quote naming the tool, its input in a line, and how it ended with its
 * readable result (structured output as a JSON code block; an image by its prompt, since the gallery's
 * address means nothing outside the app).
 */
function toolBlock(part: ToolPart): string {
  const quote = (lines: string[]) =>
    lines
      .flatMap((line) => line.split("\n"))
      .map((line) => (line ? `> ${line}` : ">"))
      .join("\n");
  const input = compactInput(part.input);
  const head = [`**Tool: ${oneLine(toolLabelOf(part))}**`, ...(input ? [`Input: \`${input.replace(/`/g, "'")}\``] : [])];
  if (part.state === "output-error") return quote([...head, `Failed: ${oneLine(part.errorText)}`]);
  if (part.state === "output-denied" || (part.state === "approval-responded" && !part.approval.approved))
    return quote([...head, "Denied."]);
  if (part.state !== "output-available") return quote([...head, "Not run (it waited for approval)."]);
  const image = generatedImageOf(part);
  if (image) return quote([...head, `Generated an image${image.prompt ? `: ${oneLine(image.prompt)}` : ""} (in the gallery).`]);
  const result = toolResultText(part.output);
  if (result !== undefined) return quote([...head, "Result:", "", result]);
  return quote([...head, "Result:", "", "```json", JSON.stringify(part.output, null, 2) ?? "", "```"]);
}

function oneLine(text: string): string {
  return text.replace(/\s+/g, " ").trim();
}

/** A file name from a title: letters, digits and dashes, never empty, never a path. */
export function fileSlug(title: string): string {
  return (
    title
      .normalize("NFKD")
      .replace(/[^\w\s-]/g, "")
      .trim()
      .toLowerCase()
      .replace(/[\s_-]+/g, "-")
      .slice(0, 60)
      .replace(/-+$/, "") || "conversation"
  );
}
