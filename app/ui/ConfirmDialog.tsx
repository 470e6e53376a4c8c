import type { ReactNode } from "react";
import { button, dangerButton } from "./styles";
import { useModalDialog } from "./useModalDialog";

/** A modal confirmation built on <dialog>, which gives focus trapping, Escape and the dialog role for free. */
export function ConfirmDialog({
  title,
  children,
  confirmLabel,
  onConfirm,
  onCancel,
}: {
  title: string;
  children: ReactNode;
  confirmLabel: string;
  onConfirm: () => void;
  onCancel: () => void;
}) {
  const { props, titleId } = useModalDialog(onCancel);
  return (
    <dialog
      {...props}
      className="m-auto w-[min(24rem,calc(100vw-2rem))] rounded-lg border border-border bg-card p-5 text-card-foreground shadow-xl backdrop:bg-black/50"
    >
      <h2 id={titleId} className="text-base font-semibold">
        {title}
      </h2>
      <div className="mt-2 text-sm text-muted-foreground">{children}</div>
      <div className="mt-5 flex justify-end gap-2">
        <button type="button" className={button} onClick={onCancel} autoFocus>
          Cancel
        </button>
        <button type="button" className={dangerButton} onClick={onConfirm}>
          {confirmLabel}
        </button>
      </div>
    </dialog>
  );
}
