import { useEffect, useId, useRef, useState, type SyntheticEvent } from "react";

/**
 * A <dialog> opened modally for as long as its component is mounted: the browser gives focus
 * trapping, Escape and the dialog role. Spread `props` on the <dialog>; give its heading `titleId`.
 * Closing puts focus back on what had it when the dialog opened (its opener): a <dialog> that React
 * removes from the page does not, and focus would fall to <body>, the top of the page for a keyboard.
 */
export function useModalDialog(onClose: () => void) {
  const ref = useRef<HTMLDialogElement>(null);
  const titleId = useId();
  const [opener] = useState(() => (document.activeElement instanceof HTMLElement ? document.activeElement : null));
  useEffect(() => {
    const dialog = ref.current;
    dialog?.showModal();
    return () => {
      dialog?.close();
      const active = document.activeElement;
      // Only when focus was lost with the dialog: an owner that moved it on purpose keeps its choice.
      if (opener?.isConnected && (!active || active === document.body || dialog?.contains(active))) opener.focus();
    };
  }, [opener]);
  const props = {
    ref,
    "aria-labelledby": titleId,
    // Escape closes through the owner's state, so React stays the one deciding what is open.
    onCancel: (e: SyntheticEvent<HTMLDialogElement>) => {
      e.preventDefault();
      onClose();
    },
  };
  return { props, titleId };
}
