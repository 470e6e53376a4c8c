import { useState } from "react";
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
        {isUser ? (
          text
        ) : (
          <>
            {message.parts.map((part, i) =>
              part.type === "reasoning" && part.text ? (
                <details key={i} className="mb-2 text-sm text-muted-foreground">
                  <summary className="cursor-pointer select-none">Reasoning</summary>
                  <p className="mt-1 whitespace-pre-wrap">{part.text}</p>
                </details>
              ) : null,
            )}
            {text ? (
              <LazyMarkdown streaming={streaming} deferred={deferred}>
                {text}
              </LazyMarkdown>
            ) : (
              streaming && <ThinkingDots />
            )}
          </>
        )}
      </div>

      {!isUser && !!meta?.citations?.length && <Citations citations={meta.citations} />}
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

function ThinkingDots() {
  return (
    <span className="inline-flex gap-1 py-2" aria-label="Waiting for the answer" role="img">
      {[0, 150, 300].map((delay) => (
        <span key={delay} className="size-1.5 animate-bounce rounded-full bg-muted-foreground" style={{ animationDelay: `${delay}ms` }} />
      ))}
    </span>
  );
}
