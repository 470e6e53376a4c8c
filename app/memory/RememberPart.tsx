import type { ToolPart as Part } from "../../contract/tool-parts";
import { button, primaryButton } from "../ui/styles";

/** The approval flow's decision (app/chat/ToolPart.tsx's ApprovalDecision; written out here so the two files do not import each other). */
interface ApprovalDecision {
  approvalId: string;
  approved: boolean;
  always: boolean;
  toolName: string;
}

/** Where a proposal stands, in the words the person reads (and a screen reader hears once, as it changes). */
function stateWords(part: Part, canAnswer: boolean): string {
  switch (part.state) {
    case "approval-requested":
      return canAnswer ? "Keep this memory?" : "Not answered";
    case "approval-responded":
      return part.approval.approved ? "Keeping…" : "Discarded";
    case "output-available":
      return "Kept in your memories";
    case "output-denied":
      return "Discarded";
    case "output-error":
      return "Not kept";
    default:
      return "Proposing…";
  }
}

/**
 * The `remember` tool's call in an answer, shown as what it is: a memory the assistant proposes.
 * Keep and Discard are the approval flow's Allow and Deny (there is no "always allow": each memory
 * is the person's own decision). Its text is the call's input, as the model wrote it.
 */
export function RememberPart({ part, onApproval, busy }: { part: Part; onApproval?: (decision: ApprovalDecision) => void; busy: boolean }) {
  const input = part.input as { memory?: unknown } | undefined;
  const text = typeof input?.memory === "string" ? input.memory : "";
  const asking = part.state === "approval-requested" && !part.approval.isAutomatic;
  const decide = (approved: boolean) => {
    if (part.state === "approval-requested") onApproval?.({ approvalId: part.approval.id, approved, always: false, toolName: "remember" });
  };
  return (
    <div
      role="group"
      aria-label="Proposed memory"
      className="my-2 w-full rounded-lg border border-border bg-card px-3 py-2 text-sm text-card-foreground"
    >
      <div className="flex flex-wrap items-baseline gap-x-2">
        <span className="font-medium">Proposed memory</span>
        <span role="status" className="text-xs text-muted-foreground">
          {stateWords(part, !!onApproval)}
        </span>
      </div>
      {text && <blockquote className="mt-1 border-l-4 border-border pl-2 break-words">{text}</blockquote>}
      {part.state === "output-error" && <p className="mt-1 text-destructive">{part.errorText || "It could not be saved."}</p>}
      {asking && onApproval && (
        <div className="mt-2 flex flex-wrap items-center gap-2">
          <button type="button" className={primaryButton} disabled={busy} onClick={() => decide(true)}>
            Keep
          </button>
          <button type="button" className={button} disabled={busy} onClick={() => decide(false)}>
            Discard
          </button>
          <span className="text-xs text-muted-foreground">Kept memories are used in later answers; see Settings → Memory.</span>
        </div>
      )}
    </div>
  );
}
