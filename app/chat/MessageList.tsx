import type { ChatStatus } from "ai";
import type { ReactNode } from "react";
import type { ChatMessage } from "../../contract/messages";
import { messageElementId, useFoundMessage } from "../search/useFoundMessage";
import { AnswerAnnouncer } from "./AnswerAnnouncer";
import { Message } from "./Message";
import type { ApprovalDecision } from "./ToolPart";
import type { Versions } from "./useBranches";
import type { useStickToBottom } from "./useStickToBottom";

/** The latest messages render as markdown at once; older ones only as they scroll near view. */
const EAGER_MESSAGES = 4;

interface Props {
  messages: ChatMessage[];
  status: ChatStatus;
  onRegenerate: () => void;
  /** Carries on the last answer when a restart interrupted it. */
  onContinue: () => void;
  /** Absent where questions cannot be edited. */
  onEdit?: (messageId: string, text: string) => void;
  /** Where a message stands among its versions (branches); absent where there are none. */
  versionsOf?: (messageId: string) => Versions | undefined;
  onSwitchVersion?: (messageId: string, delta: -1 | 1) => void;
  /** Answers a tool's approval request (chat only). */
  onApproval?: (decision: ApprovalDecision) => void;
  /** Rendered under the last message (errors), inside the scroll area so it is seen in context. */
  footer?: ReactNode;
  empty: ReactNode;
  stick: ReturnType<typeof useStickToBottom>;
}

export function MessageList({
  messages,
  status,
  onRegenerate,
  onContinue,
  onEdit,
  versionsOf,
  onSwitchVersion,
  onApproval,
  footer,
  empty,
  stick,
}: Props) {
  const busy = status === "submitted" || status === "streaming";
  const last = messages.at(-1);
  const { scrollRef, contentRef, atBottom, scrollToBottom } = stick;
  // A search result opened this conversation at one message: it is scrolled to and marked.
  const found = useFoundMessage(messages);

  return (
    <div className="relative min-h-0 flex-1">
      <div ref={scrollRef} data-scroll-root className="h-full overflow-y-auto overscroll-contain">
        <div ref={contentRef} className="mx-auto flex w-full max-w-3xl flex-col gap-6 px-4 py-6">
          {/* Not live (a log is polite by default): every streamed token would be read. AnswerAnnouncer says when an answer starts and ends. */}
          <div role="log" aria-live="off" aria-label="Messages" className="flex flex-col gap-6">
            {messages.map((message, i) => (
              <div
                key={message.id}
                id={messageElementId(message.id)}
                aria-current={message.id === found ? "true" : undefined}
                className={message.id === found ? "rounded-lg ring-2 ring-primary ring-offset-4 ring-offset-background" : undefined}
              >
                <Message
                  message={message}
                  busy={busy}
                  deferred={i < messages.length - EAGER_MESSAGES}
                  streaming={status === "streaming" && message === last && message.role === "assistant"}
                  onEdit={onEdit}
                  onRegenerate={message === last && message.role === "assistant" ? onRegenerate : undefined}
                  onContinue={message === last && message.metadata?.status === "interrupted" ? onContinue : undefined}
                  versions={versionsOf?.(message.id)}
                  onSwitchVersion={onSwitchVersion && ((delta) => onSwitchVersion(message.id, delta))}
                  // Only the last answer's requests can be answered: a newer question has told the model they went unanswered.
                  onApproval={message === last ? onApproval : undefined}
                />
              </div>
            ))}
          </div>
          {messages.length === 0 && empty}
          {status === "submitted" && (
            <p className="text-sm text-muted-foreground" role="status">
              Waiting for the model…
            </p>
          )}
          {footer}
        </div>
      </div>
      <AnswerAnnouncer status={status} last={last} />
      {!atBottom && (
        <button
          type="button"
          onClick={scrollToBottom}
          className="absolute bottom-3 left-1/2 -translate-x-1/2 rounded-full border border-border bg-card px-3 py-1.5 text-sm shadow-md hover:bg-muted"
        >
          Jump to latest
        </button>
      )}
    </div>
  );
}
