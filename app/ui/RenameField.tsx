import { useEffect, useRef, useState } from "react";
import { StrokeIcon } from "./StrokeIcon";
import { input } from "./styles";
import { useEnterSends } from "./useEnterSends";

/**
 * A title being renamed in a list (conversations, vision threads). Enter or leaving the field keeps
 * what was typed; Escape is the one way to drop it. The flag stops the blur that follows Enter or
 * Escape (the field is removed while focused) from acting a second time. After Enter or Escape focus
 * goes back to the row's Rename button (the field's opener, shown again in its place).
 */
export function RenameField({ title, onSave, onCancel }: { title: string; onSave: (title: string) => void; onCancel: () => void }) {
  const [value, setValue] = useState(title);
  const done = useRef(false);
  const finish = (save: boolean) => {
    if (done.current) return;
    done.current = true;
    if (save) onSave(value);
    else onCancel();
  };
  const enterSaves = useEnterSends<HTMLInputElement>(() => finish(true));
  const ref = useRef<HTMLInputElement>(null);
  useEffect(() => {
    const row = ref.current?.closest("li");
    return () => {
      // After the row re-renders with its buttons; a blur to another control keeps that control's focus.
      requestAnimationFrame(() => {
        if (document.activeElement && document.activeElement !== document.body) return;
        row?.querySelector<HTMLElement>('button[aria-label^="Rename "]')?.focus();
      });
    };
  }, []);
  return (
    <input
      ref={ref}
      className={`${input} m-0.5`}
      aria-label={`New title for ${title}`}
      value={value}
      maxLength={200}
      autoFocus
      onFocus={(e) => e.target.select()}
      onChange={(e) => setValue(e.target.value)}
      {...enterSaves}
      onKeyDown={(e) => {
        if (e.key === "Escape") finish(false);
        else enterSaves.onKeyDown(e);
      }}
      onBlur={() => finish(true)}
    />
  );
}

/** The Rename button's icon. */
export function PencilIcon() {
  return (
    <StrokeIcon className="size-4">
      <path d="M12 20h9M16.5 3.5a2.1 2.1 0 0 1 3 3L7 19l-4 1 1-4z" />
    </StrokeIcon>
  );
}
