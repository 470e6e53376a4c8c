import { useId, useState } from "react";
import {
  compactInput,
  generatedImageOf,
  toolLabelOf,
  toolNameOf,
  toolResultText,
  toolStateWords,
  type ToolPart as Part,
} from "../../contract/tool-parts";
import { findBuiltinTool } from "../../contract/builtin-tools";
import { imageUrl } from "../images/api";
import { RememberPart } from "../memory/RememberPart";
import { button, primaryButton, smallButton } from "../ui/styles";

/** The person's answer to an approval request; `always` also adds the tool to the conversation's always-allowed ones. */
export interface ApprovalDecision {
  approvalId: string;
  approved: boolean;
  always: boolean;
  toolName: string;
}

interface Props {
  part: Part;
  /** Absent where nobody can answer (the request is then shown as waiting, without buttons). */
  onApproval?: (decision: ApprovalDecision) => void;
  /** A request is in flight: the buttons wait for it. */
  busy?: boolean;
}

/**
 * One tool call inside an answer: what ran with what input, where it stands, and its result.
 * The state line is a polite live region that changes only when the state does (not with each
 * streamed piece of the input), so a screen reader hears "Running", then "Done" or "Failed".
 */
export function ToolPart({ part, onApproval, busy = false }: Props) {
  const [open, setOpen] = useState(false);
  const outputId = useId();
  const label = toolLabelOf(part);
  const name = toolNameOf(part);
  const input = compactInput(part.input);
  const image = generatedImageOf(part);
  const asking = part.state === "approval-requested" && !part.approval.isAutomatic;
  const running = toolStateWords(part) === "Running" || part.state === "input-streaming";
  // A proposed memory reads as one, with Keep / Discard (app/memory/RememberPart.tsx).
  if (name === "remember") return <RememberPart part={part} onApproval={onApproval} busy={busy} />;

  return (
    <div
      role="group"
      aria-label={`Tool: ${label}`}
      className="my-2 w-full rounded-lg border border-border bg-card px-3 py-2 text-sm text-card-foreground"
    >
      <div className="flex flex-wrap items-baseline gap-x-2">
        <span className="font-medium">{label}</span>
        <span role="status" className={`text-xs ${stateColour(part)}`}>
          {asking && !onApproval ? "Not answered" : toolStateWords(part)}
          {running && "…"}
        </span>
      </div>
      {input && (
        <p className="mt-0.5 break-words font-mono text-xs text-muted-foreground" title={input}>
          {input}
        </p>
      )}

      {asking && onApproval && <ApprovalRequest part={part} name={name} busy={busy} onApproval={onApproval} />}
      {part.state === "output-error" && <p className="mt-1 text-sm text-destructive">{errorWords(part.errorText)}</p>}
      {part.state === "output-denied" && (
        <p className="mt-1 text-sm text-muted-foreground">
          You denied this; the model was told.
          {part.approval.reason ? ` ${part.approval.reason}` : ""}
        </p>
      )}
      {image && (
        <a href={imageUrl(image.imageId)} target="_blank" rel="noreferrer" className="mt-2 inline-block">
          <img
            src={imageUrl(image.imageId)}
            alt={image.prompt ? `Generated image: ${image.prompt}` : "Generated image"}
            className="max-h-64 max-w-full rounded-xl border border-border object-contain"
            loading="lazy"
          />
        </a>
      )}
      {part.state === "output-available" && (
        <>
          <button
            type="button"
            className={`${smallButton} mt-1 -ml-1.5`}
            aria-expanded={open}
            aria-controls={outputId}
            onClick={() => setOpen((o) => !o)}
          >
            {open ? "Hide result" : "Show result"}
          </button>
          <div id={outputId}>{open && <Result label={label} text={outputText(part.output)} />}</div>
        </>
      )}
    </div>
  );
}

function ApprovalRequest({
  part,
  name,
  busy,
  onApproval,
}: {
  part: Part & { state: "approval-requested" };
  name: string;
  busy: boolean;
  onApproval: (d: ApprovalDecision) => void;
}) {
  const [always, setAlways] = useState(false);
  const alwaysId = useId();
  const reason = part.approval.requestReason ?? findBuiltinTool(name)?.approvalReason ?? "It reaches outside this app through a connector.";
  const decide = (approved: boolean) => onApproval({ approvalId: part.approval.id, approved, always: approved && always, toolName: name });
  return (
    <div className="mt-2 space-y-2">
      <p>
        Run {toolLabelOf(part)}? {reason}
      </p>
      <div className="flex flex-wrap items-center gap-2">
        <button type="button" className={primaryButton} disabled={busy} onClick={() => decide(true)}>
          Allow
        </button>
        <button type="button" className={button} disabled={busy} onClick={() => decide(false)}>
          Deny
        </button>
        <label htmlFor={alwaysId} className="flex items-center gap-1.5 text-xs">
          <input id={alwaysId} type="checkbox" checked={always} onChange={(e) => setAlways(e.target.checked)} className="accent-primary" />
          Always allow this tool in this conversation
        </label>
      </div>
    </div>
  );
}

const resultBox = "mt-1 max-h-64 overflow-auto whitespace-pre-wrap break-words rounded-md bg-muted px-2 py-1 text-xs";

/** A long result scrolls inside its box, so a keyboard must be able to reach it (axe: scrollable-region-focusable). */
function Result({ label, text }: { label: string; text: string }) {
  return (
    // biome-ignore lint/a11y/noNoninteractiveTabindex: a scrolling region is reached by Tab to be scrolled with the keys
    <pre tabIndex={0} role="group" aria-label={`${label} result`} className={resultBox}>
      {text}
    </pre>
  );
}

function stateColour(part: Part): string {
  if (part.state === "output-error") return "text-destructive";
  if (part.state === "approval-requested") return "text-amber-700 dark:text-amber-400";
  return "text-muted-foreground";
}

function errorWords(errorText: string): string {
  const text = errorText.trim();
  return text ? `The tool failed: ${text}` : "The tool failed.";
}

/** The owner sees the whole result: its readable text, or the structured output as indented JSON. */
function outputText(output: unknown): string {
  return toolResultText(output) ?? JSON.stringify(output, null, 2) ?? "";
}
