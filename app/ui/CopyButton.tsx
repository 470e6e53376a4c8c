import { useEffect, useState } from "react";
import { smallButton } from "./styles";

/**
 * Copy to the clipboard, and say so when the browser refuses (no permission, an insecure page, a
 * policy): the text is then offered selected in a box, ready for Ctrl+C / ⌘C.
 */
export function CopyButton({ text, label }: { text: string; label: string }) {
  const [state, setState] = useState<"idle" | "copied" | "failed">("idle");
  useEffect(() => {
    if (state !== "copied") return;
    const timer = setTimeout(() => setState("idle"), 1500);
    return () => clearTimeout(timer);
  }, [state]);
  const copy = () => {
    // navigator.clipboard is missing altogether on an insecure (http, not localhost) page.
    const write = navigator.clipboard ? navigator.clipboard.writeText(text) : Promise.reject(new Error("no clipboard"));
    write.then(
      () => setState("copied"),
      () => setState("failed"),
    );
  };
  return (
    <>
      <button type="button" className={smallButton} aria-label={label} onClick={copy}>
        {state === "copied" ? "Copied" : "Copy"}
      </button>
      {state === "failed" && (
        <span className="flex basis-full flex-col gap-1 py-1">
          <span role="alert" className="text-xs text-destructive">
            The browser did not allow copying. The text is selected below: press Ctrl+C (⌘C on a Mac) to copy it.
          </span>
          <textarea
            aria-label="Text to copy"
            readOnly
            value={text}
            autoFocus
            onFocus={(e) => e.target.select()}
            rows={Math.min(6, text.split("\n").length)}
            className="w-full min-w-64 resize-y rounded-md border border-input bg-background px-2 py-1 font-mono text-xs text-foreground"
          />
          <button type="button" className={`${smallButton} self-start`} onClick={() => setState("idle")}>
            Done
          </button>
        </span>
      )}
    </>
  );
}
