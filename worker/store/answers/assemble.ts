import type { UIMessageChunk } from "ai";
import type { ChatMessage, MessageMetadata } from "../../../contract/messages";

type Part = ChatMessage["parts"][number];

/**
 * The message a run of UI message chunks describes: the same result as the AI SDK's own
 * `readUIMessageStream` for the chunks our answers carry (text, reasoning, steps, metadata), built
 * in one pass over chunks already in memory (or read back after a restart) instead of through
 * another stream stage per token on the hot path. Other chunk types are not produced by our models.
 */
export function assembleAnswer(chunks: readonly UIMessageChunk[], fallbackId: string): ChatMessage {
  let id = fallbackId;
  let metadata: MessageMetadata | undefined;
  const parts: Part[] = [];
  const open = new Map<string, { type: "text" | "reasoning"; text: string; state?: "streaming" | "done"; id?: string }>();
  const mergeMetadata = (more: unknown) => {
    if (more != null) metadata = { ...metadata, ...(more as MessageMetadata) };
  };
  for (const chunk of chunks) {
    switch (chunk.type) {
      case "start":
        if (chunk.messageId) id = chunk.messageId;
        mergeMetadata(chunk.messageMetadata);
        break;
      case "start-step":
        parts.push({ type: "step-start" });
        break;
      case "text-start":
      case "reasoning-start": {
        // The SDK keeps a reasoning part's id (to match it to its provider metadata), not a text part's.
        const part =
          chunk.type === "text-start"
            ? { type: "text" as const, text: "", state: "streaming" as const }
            : { type: "reasoning" as const, id: chunk.id, text: "", state: "streaming" as const };
        open.set(`${part.type}:${chunk.id}`, part);
        parts.push(part);
        break;
      }
      case "text-delta":
      case "reasoning-delta": {
        const part = open.get(`${chunk.type === "text-delta" ? "text" : "reasoning"}:${chunk.id}`);
        if (part) part.text += chunk.delta;
        break;
      }
      case "text-end":
      case "reasoning-end": {
        const key = `${chunk.type === "text-end" ? "text" : "reasoning"}:${chunk.id}`;
        const part = open.get(key);
        if (part) part.state = "done";
        open.delete(key);
        break;
      }
      case "message-metadata":
      case "finish":
        mergeMetadata(chunk.messageMetadata);
        break;
      default:
        if (chunk.type.startsWith("tool-")) applyToolChunk(parts, chunk);
    }
  }
  return { id, role: "assistant", parts, ...(metadata ? { metadata } : {}) };
}

/** A tool part as saved: the AI SDK's static (`tool-<name>`) or dynamic (connector) tool part, loosely typed. */
type ToolPart = {
  type: string;
  toolCallId: string;
  toolName?: string;
  state: string;
  input?: unknown;
  output?: unknown;
  errorText?: string;
  approval?: { id: string; approved?: boolean; reason?: string; isAutomatic?: boolean; requestReason?: string };
  [key: string]: unknown;
};

export function isToolPart(part: { type: string }): part is ToolPart & Part {
  return part.type === "dynamic-tool" || part.type.startsWith("tool-");
}

/** The fields of the AI SDK's tool chunks (one loose shape for all of them). */
interface ToolChunk {
  type: string;
  toolCallId: string;
  toolName?: string;
  dynamic?: boolean;
  input?: unknown;
  output?: unknown;
  errorText?: string;
  approvalId?: string;
  approved?: boolean;
  reason?: string;
  isAutomatic?: boolean;
  preliminary?: boolean;
  title?: string;
  providerExecuted?: boolean;
  toolMetadata?: unknown;
}

/**
 * A tool chunk applied as the AI SDK's stream reader applies it (processUIMessageStream): the
 * call's part moves through input-streaming → input-available → (approval-requested →
 * approval-responded →) output-available / output-error / output-denied. Partial input is not
 * parsed while it streams (nobody reads a half-written input from storage); the whole input comes with
 * `tool-input-available`.
 */
function applyToolChunk(parts: Part[], chunk: UIMessageChunk): void {
  const c = chunk as unknown as ToolChunk;
  const byCall = () => parts.findLast((p) => isToolPart(p) && p.toolCallId === c.toolCallId) as ToolPart | undefined;
  const extras = () => ({
    ...(c.title !== undefined ? { title: c.title } : {}),
    ...(c.providerExecuted !== undefined ? { providerExecuted: c.providerExecuted } : {}),
    ...(c.toolMetadata !== undefined ? { toolMetadata: c.toolMetadata } : {}),
  });
  const open = (state: string, more: Partial<ToolPart>) => {
    const part = byCall();
    if (part) return Object.assign(part, { state }, extras(), more);
    const fresh: ToolPart = {
      type: c.dynamic ? "dynamic-tool" : `tool-${c.toolName}`,
      ...(c.dynamic ? { toolName: c.toolName } : {}),
      toolCallId: c.toolCallId,
      state,
      ...extras(),
      ...more,
    };
    parts.push(fresh as unknown as Part);
  };
  switch (c.type) {
    case "tool-input-start":
      open("input-streaming", {});
      return;
    case "tool-input-available":
      open("input-available", { input: c.input });
      return;
    case "tool-input-error":
      open("output-error", { input: c.input, errorText: c.errorText });
      return;
    case "tool-approval-request": {
      const part = byCall();
      if (part)
        Object.assign(part, {
          state: "approval-requested",
          approval: {
            id: c.approvalId,
            ...(c.reason != null ? { requestReason: c.reason } : {}),
            ...(c.isAutomatic ? { isAutomatic: true } : {}),
          },
        });
      return;
    }
    case "tool-approval-response": {
      const part = parts.find((p) => isToolPart(p) && p.approval?.id === c.approvalId) as ToolPart | undefined;
      if (part)
        Object.assign(part, {
          state: "approval-responded",
          approval: { ...part.approval, id: c.approvalId, approved: c.approved, ...(c.reason != null ? { reason: c.reason } : {}) },
        });
      return;
    }
    case "tool-output-available": {
      const part = byCall();
      if (part) Object.assign(part, { state: "output-available", output: c.output, ...(c.preliminary ? { preliminary: true } : {}) });
      return;
    }
    case "tool-output-error": {
      const part = byCall();
      if (part) Object.assign(part, { state: "output-error", errorText: c.errorText });
      return;
    }
    case "tool-output-denied": {
      const part = byCall();
      if (part) part.state = "output-denied";
      return;
    }
  }
}

/** What a tool call left unfinished is told, once its answer has ended (the model reads it next turn). */
export const TOOL_CUT_SHORT = "The answer ended before this tool finished.";

/**
 * Tool calls the answer ended in the middle of (Stop, a failure, a restart) get an error result:
 * a call without a result cannot go back to a model (every provider refuses one), and the person
 * sees why it never ran. A call waiting for approval is left waiting: that is how such an answer ends.
 */
export function closeOpenToolCalls(message: ChatMessage): ChatMessage {
  if (!message.parts.some((p) => isToolPart(p) && (p.state === "input-streaming" || p.state === "input-available"))) return message;
  const parts = message.parts.map((p) =>
    isToolPart(p) && (p.state === "input-streaming" || p.state === "input-available")
      ? ({ ...p, state: "output-error", errorText: TOOL_CUT_SHORT } as Part)
      : p,
  );
  return { ...message, parts };
}

/** Chunks that rebuild a saved answer, so a continued answer's stream replays what it already had. */
export function chunksOf(message: ChatMessage): UIMessageChunk[] {
  const chunks: UIMessageChunk[] = [{ type: "start", messageId: message.id, messageMetadata: message.metadata }];
  for (const [i, part] of message.parts.entries()) {
    if (part.type === "step-start") chunks.push({ type: "start-step" });
    else if (isToolPart(part)) chunks.push(...toolChunksOf(part));
    else if (part.type === "text" || part.type === "reasoning") {
      const id = ("id" in part && typeof part.id === "string" && part.id) || `earlier-${i}`;
      const kind = part.type;
      chunks.push({ type: `${kind}-start`, id }, { type: `${kind}-delta`, id, delta: part.text }, { type: `${kind}-end`, id });
    }
  }
  return chunks;
}

/** The chunks that bring a saved tool part back to its state (the inverse of applyToolChunk). */
function toolChunksOf(part: ToolPart): UIMessageChunk[] {
  const dynamic = part.type === "dynamic-tool";
  const toolName = dynamic ? (part.toolName ?? "") : part.type.slice("tool-".length);
  const toolCallId = part.toolCallId;
  const common = {
    toolCallId,
    toolName,
    ...(dynamic ? { dynamic: true as const } : {}),
    ...(part.title !== undefined ? { title: part.title as string } : {}),
    ...(part.providerExecuted !== undefined ? { providerExecuted: part.providerExecuted as boolean } : {}),
    ...(part.toolMetadata !== undefined ? { toolMetadata: part.toolMetadata } : {}),
  };
  const chunks: Record<string, unknown>[] = [{ type: "tool-input-start", ...common }];
  if (part.state === "input-streaming") return chunks as UIMessageChunk[];
  if (part.state === "output-error" && part.input === undefined) {
    chunks.push({ type: "tool-input-error", ...common, input: part.input, errorText: part.errorText ?? "" });
    return chunks as UIMessageChunk[];
  }
  chunks.push({ type: "tool-input-available", ...common, input: part.input });
  const approval = part.approval;
  if (approval) {
    chunks.push({
      type: "tool-approval-request",
      toolCallId,
      approvalId: approval.id,
      ...(approval.requestReason != null ? { reason: approval.requestReason } : {}),
      ...(approval.isAutomatic ? { isAutomatic: true } : {}),
    });
    if (approval.approved !== undefined)
      chunks.push({
        type: "tool-approval-response",
        approvalId: approval.id,
        approved: approval.approved,
        ...(approval.reason != null ? { reason: approval.reason } : {}),
      });
  }
  if (part.state === "output-available")
    chunks.push({ type: "tool-output-available", toolCallId, output: part.output, ...(part.preliminary ? { preliminary: true } : {}) });
  else if (part.state === "output-error") chunks.push({ type: "tool-output-error", toolCallId, errorText: part.errorText ?? "" });
  else if (part.state === "output-denied") chunks.push({ type: "tool-output-denied", toolCallId });
  return chunks as UIMessageChunk[];
}
