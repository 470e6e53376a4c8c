import { useEffect, useState } from "react";
import { button, primaryButton } from "./styles";
import { useModalDialog } from "./useModalDialog";

/**
 * Asked before a link in an answer leaves the app. Answers are untrusted (a document can instruct the
 * model), and a link's URL can carry conversation text to whoever owns its host, so the host and the
 * whole URL are shown, Cancel has the focus, and focus goes back to the link on close.
 */
export function LeaveAppDialog({ url, onOpen, onClose }: { url: string; onOpen: () => void; onClose: () => void }) {
  const { props, titleId } = useModalDialog(onClose);
  const [returnFocusTo] = useState(() => document.activeElement as HTMLElement | null);
  useEffect(() => () => returnFocusTo?.focus(), [returnFocusTo]);
  const to = destination(url);
  return (
    <dialog
      {...props}
      className="m-auto w-[min(28rem,calc(100vw-2rem))] rounded-lg border border-border bg-card p-5 text-card-foreground shadow-xl backdrop:bg-black/50"
    >
      <h2 id={titleId} className="text-base font-semibold">
        {to.email ? "Write an email from this link?" : `Leave the app for ${to.host}?`}
      </h2>
      <p className="mt-2 text-sm text-muted-foreground">
        {to.email ? "It opens your email app addressed to " : "This link leads to "}
        <strong className="font-semibold text-card-foreground">{to.host}</strong>. Everything in it goes there, so check it holds nothing
        from this conversation you would not send:
      </p>
      <p className="mt-2 max-h-32 overflow-y-auto break-all rounded-md bg-muted p-2 font-mono text-xs" data-testid="link-destination">
        {url}
      </p>
      <div className="mt-5 flex justify-end gap-2">
        <button type="button" className={button} onClick={onClose} autoFocus>
          Cancel
        </button>
        <button
          type="button"
          className={primaryButton}
          onClick={() => {
            onOpen();
            onClose();
          }}
        >
          {to.email ? "Write email" : `Open ${to.host}`}
        </button>
      </div>
    </dialog>
  );
}

/** The host as the browser will reach it (punycode, so a look-alike name shows as what it is), or a mailto's addresses. */
function destination(url: string): { host: string; email: boolean } {
  try {
    const parsed = new URL(url, window.location.href);
    if (parsed.protocol === "mailto:") return { host: decodeURIComponent(parsed.pathname) || "no one", email: true };
    return { host: parsed.host, email: false };
  } catch {
    return { host: url, email: false };
  }
}
