import { useState, type KeyboardEvent, type ReactNode } from "react";
import { button, primaryButton } from "../ui/styles";

interface Props {
  busy: boolean;
  onSend: (text: string) => void;
  onStop: () => void;
  /** The Attach files button (documents), rendered before the text box. */
  attach?: ReactNode;
}

export function Composer({ busy, onSend, onStop, attach }: Props) {
  const [text, setText] = useState("");
  const canSend = !busy && text.trim().length > 0;

  const send = () => {
    if (!canSend) return;
    onSend(text);
    setText("");
  };

  const onKeyDown = (e: KeyboardEvent<HTMLTextAreaElement>) => {
    // Enter while an IME is composing confirms the candidate (Japanese, Chinese, Korean input); it must not send.
    if (e.key !== "Enter" || e.shiftKey || e.nativeEvent.isComposing || e.keyCode === 229) return;
    e.preventDefault();
    send();
  };

  return (
    <form
      className="mx-auto flex w-full max-w-3xl items-end gap-2 px-4 pb-4 pt-2"
      onSubmit={(e) => {
        e.preventDefault();
        send();
      }}
    >
      {attach}
      <label htmlFor="composer" className="sr-only">
        Message
      </label>
      <textarea
        id="composer"
        rows={1}
        value={text}
        onChange={(e) => setText(e.target.value)}
        onKeyDown={onKeyDown}
        placeholder="Message the model (Enter sends, Shift+Enter adds a line)"
        className="max-h-60 min-h-11 flex-1 resize-none rounded-xl border border-input bg-background px-3.5 py-2.5 text-[0.95rem] field-sizing-content placeholder:text-muted-foreground"
      />
      {busy ? (
        <button type="button" className={`${button} h-11`} onClick={onStop}>
          Stop
        </button>
      ) : (
        <button type="submit" className={`${primaryButton} h-11`} disabled={!canSend}>
          Send
        </button>
      )}
    </form>
  );
}
