import { lazy, Suspense, useState, type ReactNode } from "react";
import type { ChatMessage } from "../../contract/messages";
import { CopyButton } from "../ui/CopyButton";
import { LazyMarkdown } from "../ui/LazyMarkdown";
import { button, input, primaryButton, smallButton } from "../ui/styles";
import { useEnterSends } from "../ui/useEnterSends";
import { answerDetails, messageText } from "./messageText";
import { Citations } from "../documents/Citations";
import type { Versions } from "./useBranches";
import { VersionSwitcher } from "./VersionSwitcher";
import { MessageImages } from "./MessageImages";
import { ReasoningPart } from "./ReasoningPart";
import { isToolPart } from "../../contract/tool-part-kind";
import type { ApprovalDecision } from "./ToolPart";

// Tool calls render from their own chunk: most answers have none, and the chat page's first load is
// held to its budget (bench:bundle). Until it arrives the call is named in plain text.
const ToolPart = lazy(() => import("./ToolPart").then((m) => ({ default: m.ToolPart })));
// Only answers given memories show this: from its own chunk, like tool calls.
const UsedMemories = lazy(() => import("../memory/UsedMemories"));
import { ReadAloud } from "../voice/ReadAloudSlot";

interface Props {
  message: ChatMessage;
  /** This answer is the one being streamed right now. */
  streaming: boolean;
  /** A request is in flight, so history must not change under it. */
  busy: boolean;
  /** Render markdown only once the message scrolls near view (older messages of a long conversation). */
  deferred?: boolean;
  onRegenerate?: () => void;
  /** Offered on an interrupted last answer. */
  onContinue?: () => void;
  onEdit?: (messageId: string, text: string) => void;
  /** Where this message stands among its versions; absent when it has none. */
  versions?: Versions;
  onSwitchVersion?: (delta: -1 | 1) => void;
  /** Answers a tool's approval request; absent where nobody can (the request then shows no buttons). */
  onApproval?: (decision: ApprovalDecision) => void;
}

export function Message({
  message,
  streaming,
  busy,
  deferred = false,
  onRegenerate,
  onContinue,
  onEdit,
  versions,
  onSwitchVersion,
  onApproval,
}: Props) {
  const [draft, setDraft] = useState<string>();
  const isUser = message.role === "user";
  const text = messageText(message);
  const meta = message.metadata;
  const saveEdit = () => {
    if (busy || !draft?.trim()) return;
    onEdit?.(message.id, draft);
    setDraft(undefined);
  };
  const editKeys = useEnterSends<HTMLTextAreaElement>(saveEdit);

  if (isUser && draft !== undefined) {
    return (
      <article aria-label="You" className="ml-auto w-full max-w-[85%] space-y-2">
        <label className="sr-only" htmlFor={`edit-${message.id}`}>
          Edit message
        </label>
        <textarea
          id={`edit-${message.id}`}
          className={`${input} min-h-24 resize-y`}
          value={draft}
          onChange={(e) => setDraft(e.target.value)}
          autoFocus
          {...editKeys}
          onKeyDown={(e) => {
            if (e.key === "Escape") setDraft(undefined);
            else editKeys.onKeyDown(e);
          }}
        />
        <div className="flex items-center justify-end gap-2">
          <span className="mr-auto text-xs text-muted-foreground">Enter resends, Shift+Enter adds a line, Esc cancels</span>
          <button type="button" className={button} onClick={() => setDraft(undefined)}>
            Cancel
          </button>
          <button type="button" className={primaryButton} disabled={busy || !draft.trim()} onClick={saveEdit}>
            Save and resend
          </button>
        </div>
      </article>
    );
  }

  return (
    <article aria-label={isUser ? "You" : "Assistant"} className={`group flex flex-col gap-1 ${isUser ? "items-end" : "items-start"}`}>
      {isUser && <MessageImages message={message} />}
      <div
        className={
          isUser
            ? "max-w-[85%] whitespace-pre-wrap break-words rounded-2xl rounded-br-sm bg-muted px-4 py-2 text-[0.95rem]"
            : "w-full min-w-0"
        }
      >
        {isUser ? text : <AnswerParts message={message} streaming={streaming} deferred={deferred} busy={busy} onApproval={onApproval} />}
      </div>

      {!isUser && !!meta?.citations?.length && <Citations citations={meta.citations} />}
      {!isUser && !!meta?.memories?.length && (
        <Suspense fallback={null}>
          <UsedMemories memories={meta.memories} />
        </Suspense>
      )}
      {meta?.status === "stopped" && <p className="text-xs font-medium text-amber-700 dark:text-amber-400">Stopped — partial answer</p>}
      {meta?.status === "failed" && <p className="text-xs font-medium text-destructive">Failed: {meta.error ?? "the answer broke off."}</p>}
      {meta?.status === "interrupted" && (
        <p className="text-xs font-medium text-amber-700 dark:text-amber-400">
          Interrupted — the server restarted while writing this answer
        </p>
      )}
      {meta?.note && (
        <p role="status" className="rounded-md bg-sky-50 px-2 py-1 text-xs text-sky-900 dark:bg-sky-950 dark:text-sky-200">
          {meta.note}
        </p>
      )}
      {!isUser && <ReadAloud message={message} streaming={streaming} />}

      {!streaming && (
        <div className="flex flex-wrap items-center gap-1">
          {versions && onSwitchVersion && (
            <VersionSwitcher index={versions.index} count={versions.count} onSwitch={onSwitchVersion} disabled={busy} />
          )}
          <CopyButton text={text} label="Copy message" />
          {isUser && onEdit && (
            <button type="button" className={smallButton} disabled={busy} onClick={() => setDraft(text)}>
              Edit
            </button>
          )}
          {onContinue && (
            <button type="button" className={smallButton} disabled={busy} onClick={onContinue}>
              Continue
            </button>
          )}
          {onRegenerate && (
            <button type="button" className={smallButton} disabled={busy} onClick={onRegenerate}>
              Regenerate
            </button>
          )}
          {!isUser && <span className="text-xs text-muted-foreground">{answerDetails(message)}</span>}
        </div>
      )}
    </article>
  );
}

/**
 * An answer's parts in the order they came: reasoning, runs of text (one markdown block each, since
 * a continued answer splits one text over several parts), and tool calls between them.
 */
function AnswerParts({
  message,
  streaming,
  deferred,
  busy,
  onApproval,
}: Pick<Props, "message" | "streaming" | "busy" | "onApproval"> & { deferred: boolean }) {
  const blocks: ReactNode[] = [];
  // The run of text being gathered, keyed by its first part so a growing answer keeps its block.
  let run: { key: number; text: string } | undefined;
  const flush = () => {
    if (run?.text)
      blocks.push(
        <LazyMarkdown key={run.key} streaming={streaming} deferred={deferred}>
          {run.text}
        </LazyMarkdown>,
      );
    run = undefined;
  };
  const firstReasoning = message.parts.findIndex((part) => part.type === "reasoning" && part.text);
  message.parts.forEach((part, i) => {
    if (part.type === "text") {
      run = run ? { ...run, text: run.text + part.text } : { key: i, text: part.text };
    } else if (part.type === "reasoning" && part.text) {
      flush();
      blocks.push(
        <ReasoningPart
          key={i}
          text={part.text}
          thinking={streaming && part.state === "streaming"}
          reasoningMs={i === firstReasoning ? message.metadata?.reasoningMs : undefined}
        />,
      );
    } else if (isToolPart(part)) {
      flush();
      blocks.push(
        <Suspense key={part.toolCallId} fallback={<p className="text-sm text-muted-foreground">Tool call…</p>}>
          <ToolPart part={part} busy={busy} onApproval={onApproval} />
        </Suspense>,
      );
    }
  });
  const endsInText = !!run?.text;
  flush();
  return (
    <>
      {blocks}
      {streaming && !endsInText && <ThinkingDots />}
    </>
  );
}

function ThinkingDots() {
  return (
    <span className="inline-flex gap-1 py-2" aria-label="Waiting for the answer" role="img">
      {[0, 150, 300].map((delay) => (
        <span key={delay} className="size-1.5 animate-bounce rounded-full bg-muted-foreground" style={{ animationDelay: `${delay}ms` }} />
      ))}
    </span>
  );
}
