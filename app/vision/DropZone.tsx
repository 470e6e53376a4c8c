import { useEffect, useRef, useState, type DragEvent } from "react";

interface Props {
  onFile: (file: File) => void;
  disabled?: boolean;
}

/**
 * Takes one image by drag-and-drop, paste (anywhere on the page) or the file picker. The region
 * is a button, so a keyboard opens the picker with Enter or Space.
 */
export function DropZone({ onFile, disabled }: Props) {
  const input = useRef<HTMLInputElement>(null);
  const [over, setOver] = useState(false);

  useEffect(() => {
    if (disabled) return;
    const onPaste = (event: ClipboardEvent) => {
      const file = Array.from(event.clipboardData?.files ?? [])[0];
      if (file) {
        event.preventDefault();
        onFile(file);
      }
    };
    window.addEventListener("paste", onPaste);
    return () => window.removeEventListener("paste", onPaste);
  }, [onFile, disabled]);

  const onDrop = (event: DragEvent) => {
    event.preventDefault();
    setOver(false);
    const file = event.dataTransfer.files[0];
    if (file && !disabled) onFile(file);
  };

  return (
    <div>
      <button
        type="button"
        disabled={disabled}
        onClick={() => input.current?.click()}
        onDragEnter={(e) => {
          e.preventDefault();
          setOver(true);
        }}
        onDragOver={(e) => e.preventDefault()}
        onDragLeave={() => setOver(false)}
        onDrop={onDrop}
        className={`flex min-h-48 w-full flex-col items-center justify-center gap-2 rounded-xl border-2 border-dashed p-6 text-center text-sm transition-colors disabled:opacity-50 ${
          over ? "border-primary bg-primary/5 dark:bg-primary/10" : "border-border hover:bg-muted dark:hover:bg-muted/50"
        }`}
      >
        <span className="text-base font-medium">Drop an image here, paste, or choose a file</span>
        <span className="text-muted-foreground">JPEG, PNG, WebP or GIF. It is shrunk to 1024 px before it is sent.</span>
      </button>
      <label className="sr-only" htmlFor="vision-file">
        Choose image
      </label>
      <input
        id="vision-file"
        ref={input}
        type="file"
        accept="image/jpeg,image/png,image/webp,image/gif"
        className="sr-only"
        tabIndex={-1}
        onChange={(e) => {
          const file = e.target.files?.[0];
          if (file) onFile(file);
          e.target.value = "";
        }}
      />
    </div>
  );
}
