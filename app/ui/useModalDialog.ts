import { useEffect, useId, useRef, type SyntheticEvent } from "react";

/**
 * A <dialog> opened modally for as long as its component is mounted: the browser gives focus
 * trapping, Escape and the dialog role. Spread `props` on the <dialog>; give its heading `titleId`.
 */
export function useModalDialog(onClose: () => void) {
  const ref = useRef<HTMLDialogElement>(null);
  const titleId = useId();
  useEffect(() => {
    const dialog = ref.current;
    dialog?.showModal();
    return () => dialog?.close();
  }, []);
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
