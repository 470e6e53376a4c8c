import { type ReactNode, useRef } from "react";
import { iconButton } from "./styles";
import { StrokeIcon } from "./StrokeIcon";

interface Props {
  /** The button's accessible name (tests and screen readers find it by this). */
  label: string;
  accept: string;
  onFiles: (files: File[]) => void;
  /** The tooltip; the label when unset. */
  title?: string;
  disabled?: boolean;
  /** An element that explains the button (a disabled button shows no tooltip to a keyboard). */
  describedBy?: string;
  /** The icon, drawn inside a 24×24 stroke viewBox. */
  icon: ReactNode;
}

/** An icon button that opens the file picker; the chosen files go to `onFiles` (the composer's Attach buttons). */
export function FilePickButton({ label, accept, onFiles, title, disabled, describedBy, icon }: Props) {
  const input = useRef<HTMLInputElement>(null);
  return (
    <>
      <button
        type="button"
        className={`${iconButton} h-11 shrink-0 disabled:cursor-not-allowed disabled:opacity-40`}
        aria-label={label}
        aria-describedby={describedBy}
        title={title ?? label}
        disabled={disabled}
        onClick={() => input.current?.click()}
      >
        <StrokeIcon>{icon}</StrokeIcon>
      </button>
      <input
        ref={input}
        type="file"
        multiple
        hidden
        accept={accept}
        tabIndex={-1}
        onChange={(e) => {
          const files = [...(e.target.files ?? [])];
          e.target.value = "";
          if (files.length) onFiles(files);
        }}
      />
    </>
  );
}
