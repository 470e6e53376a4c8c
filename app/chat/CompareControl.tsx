import { lazy, Suspense, useState } from "react";
import { button } from "../ui/styles";
import type { ComparePanelProps } from "./compare/ComparePanel";

// The side-by-side view loads on first use: the chat page's first load stays within its budget.
const ComparePanel = lazy(() => import("./compare/ComparePanel"));

/** "Compare models": asks 2–3 models the conversation's next question side by side (./compare/ComparePanel.tsx). */
export function CompareControl({
  disabled,
  onClose,
  ...panel
}: Omit<ComparePanelProps, "onClose"> & { disabled: boolean; onClose: () => void }) {
  const [open, setOpen] = useState(false);
  return (
    <>
      {/* "Compare" alone on a phone, where the header has room for little more than the model picker. */}
      <button type="button" className={`${button} shrink-0`} disabled={disabled} onClick={() => setOpen(true)} aria-label="Compare models">
        Compare<span className="hidden sm:inline">&nbsp;models</span>
      </button>
      {open && (
        <Suspense fallback={null}>
          <ComparePanel
            {...panel}
            onClose={() => {
              setOpen(false);
              onClose();
            }}
          />
        </Suspense>
      )}
    </>
  );
}
