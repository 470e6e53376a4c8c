import { AppError } from "../../../contract/errors";
import type { ChatMessage } from "../../../contract/messages";
import { isToolPart } from "./assemble";

/** What the model is told of a call nobody answered (the person asked something else instead). */
export const UNANSWERED = "The person did not answer this request.";

type Part = ChatMessage["parts"][number];
type Approval = { id: string; approved?: boolean; reason?: string };

/**
 * The person's decisions on an answer's pending tool calls, applied to the STORED copy of it. Only
 * the decisions are taken from the client's copy, by approval id, and only for calls the stored
 * copy has waiting (`approval-requested`): a client cannot change a call's input, approve an id
 * that was never issued, or answer a call twice. A waiting call the client left unanswered is denied.
 */
export function applyApprovalDecisions(stored: ChatMessage, client: ChatMessage): { message: ChatMessage; approved: number } {
  const decisions = new Map<string, { approved: boolean; reason?: string }>();
  for (const part of client.parts) {
    const approval = isToolPart(part) ? (part.approval as Approval | undefined) : undefined;
    if (!approval || typeof approval.id !== "string" || typeof approval.approved !== "boolean") continue;
    const reason = typeof approval.reason === "string" && approval.reason.trim() ? approval.reason.trim().slice(0, 500) : undefined;
    decisions.set(approval.id, { approved: approval.approved, ...(reason ? { reason } : {}) });
  }
  let answered = 0;
  let approved = 0;
  const parts = stored.parts.map((part): Part => {
    if (!isToolPart(part) || part.state !== "approval-requested" || !part.approval) return part;
    const decision = decisions.get(part.approval.id);
    if (decision) answered++;
    if (decision?.approved) approved++;
    return {
      ...part,
      state: "approval-responded",
      approval: { ...part.approval, ...(decision ?? { approved: false, reason: UNANSWERED }) },
    } as Part;
  });
  if (!answered)
    throw new AppError("bad_request", "There is no tool call waiting for your answer in this conversation. Reload to see it as it is.");
  return { message: { ...stored, parts }, approved };
}

/** Whether an answer ended waiting for the person to allow or deny a tool call. */
export function awaitsApproval(message: ChatMessage | undefined): boolean {
  return !!message && message.role === "assistant" && message.parts.some((p) => isToolPart(p) && p.state === "approval-requested");
}

/**
 * The history as the model is given it when a new question follows an answer still waiting for
 * approval: the waiting calls read as denied ("did not answer"), since a tool call without a result
 * is refused by every model API. The stored answer is left as it is.
 */
export function withUnansweredDenied(history: ChatMessage[]): ChatMessage[] {
  if (!history.some((m) => awaitsApproval(m))) return history;
  return history.map((message) =>
    awaitsApproval(message)
      ? {
          ...message,
          parts: message.parts.map((part) =>
            isToolPart(part) && part.state === "approval-requested" && part.approval
              ? ({ ...part, state: "output-denied", approval: { ...part.approval, approved: false, reason: UNANSWERED } } as Part)
              : part,
          ),
        }
      : message,
  );
}
