import { useEffect, useRef, useState, type ReactNode } from "react";
import { useEnterSends } from "../ui/useEnterSends";
import { button, input, primaryButton } from "../ui/styles";
import { VoiceControls } from "../voice/VoiceControls";

interface Props {
  busy: boolean;
  /** Stop was pressed before the answer started; it stops as soon as it does. */
  stopping?: boolean;
  onSend: (text: string) => void;
  onStop: () => void;
  /** The text box's name ("Message" in chat, "Question" for vision, where it is shown above the box). */
  label?: string;
  showLabel?: boolean;
  inputId?: string;
  placeholder?: string;
  sendLabel?: string;
  /** Controls shown beside Send (vision's model picker); they put the composer in a stacked layout. */
  extra?: ReactNode;
  /** The Attach files button (documents), rendered before the text box. */
  attach?: ReactNode;
  /** Send waits (images still uploading, or attached to a model that cannot see them). */
  sendBlocked?: boolean;
}

/** Where a person writes to the model, for chat and vision alike: Enter sends, Shift+Enter adds a line, Stop while an answer is written. */
export function Composer({
  busy,
  stopping = false,
  onSend,
  onStop,
  label = "Message",
  showLabel = false,
  inputId = "composer",
  placeholder,
  sendLabel = "Send",
  extra,
  attach,
  sendBlocked = false,
}: Props) {
  const [text, setText] = useState("");
  const canSend = !busy && !sendBlocked && text.trim().length > 0;

  const send = () => {
    if (!canSend) return;
    onSend(text.trim());
    setText("");
  };

  const enterSends = useEnterSends<HTMLTextAreaElement>(send);

  // Dictation: the transcript joins what is already written, to edit, or goes at once with Send on release.
  const dictated = (transcript: string, sendNow: boolean): "sent" | "inserted" => {
    const written = textRef.current?.value ?? text;
    const joined = written.trim() ? `${written.trimEnd()} ${transcript}` : transcript;
    if (sendNow && !busy && !sendBlocked) {
      onSend(joined);
      setText("");
      return "sent";
    }
    setText(joined);
    textRef.current?.focus();
    return "inserted";
  };
  const voice = <VoiceControls onTranscript={dictated} onSend={onSend} busy={busy} onStop={onStop} />;

  // Stop turns back into Send, disabled while the box is empty, and a disabled button loses the focus:
  // after Stop was pressed, the keyboard goes back to the text box instead of the top of the page.
  const stopPressed = useRef(false);
  const textRef = useRef<HTMLTextAreaElement>(null);
  useEffect(() => {
    if (busy || !stopPressed.current) return;
    stopPressed.current = false;
    const active = document.activeElement;
    if (!active || active === document.body || (active instanceof HTMLButtonElement && active.disabled)) textRef.current?.focus();
  }, [busy]);

  const action = busy ? (
    <button
      type="button"
      className={`${button} ${extra ? "" : "h-11"}`}
      onClick={() => {
        stopPressed.current = true;
        onStop();
      }}
      disabled={stopping}
    >
      {stopping ? "Stopping…" : "Stop"}
    </button>
  ) : (
    <button type="submit" className={`${primaryButton} ${extra ? "" : "h-11"}`} disabled={!canSend}>
      {sendLabel}
    </button>
  );

  return (
    <form
      className={extra ? "flex flex-col gap-2" : "mx-auto flex w-full max-w-3xl items-end gap-2 px-4 pb-4 pt-2"}
      onSubmit={(e) => {
        e.preventDefault();
        send();
      }}
    >
      {attach}
      <label htmlFor={inputId} className={showLabel ? "text-sm font-medium" : "sr-only"}>
        {label}
      </label>
      <textarea
        ref={textRef}
        id={inputId}
        rows={extra ? undefined : 1}
        value={text}
        onChange={(e) => setText(e.target.value)}
        {...enterSends}
        placeholder={placeholder ?? "Message the model (Enter sends, Shift+Enter adds a line)"}
        className={
          extra
            ? `${input} min-h-20 resize-y`
            : "max-h-60 min-h-11 flex-1 resize-none rounded-xl border border-input bg-background px-3.5 py-2.5 text-[0.95rem] field-sizing-content placeholder:text-muted-foreground"
        }
      />
      {extra ? (
        <div className="flex flex-wrap items-center gap-2">
          {extra}
          <span className="ml-auto flex gap-2">
            {voice}
            {action}
          </span>
        </div>
      ) : (
        <>
          {voice}
          {action}
        </>
      )}
    </form>
  );
}
