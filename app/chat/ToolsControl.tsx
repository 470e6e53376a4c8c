import { lazy, Suspense, useEffect, useId, useRef, useState } from "react";
import { findChatModel } from "../../contract/models";
import { button } from "../ui/styles";
import type { EditableSettings } from "./settings";

interface Props {
  settings: EditableSettings;
  onChange: (patch: Partial<EditableSettings>) => void;
}

const loadPanel = () => import("./ToolsPanel");
const ToolsPanel = lazy(loadPanel);

/**
 * "Tools" beside the model picker: which tools this conversation offers the model, how many model
 * calls one answer may make, and which tools run without asking here. Saved with the conversation's
 * settings. A model the catalog does not flag `tools` gets none; the control says so. The panel
 * (ToolsPanel.tsx) loads on first use: the chat page's first load is held to its budget.
 */
export function ToolsControl({ settings, onChange }: Props) {
  const [open, setOpen] = useState(false);
  const panelId = useId();
  const reasonId = useId();
  const wrapRef = useRef<HTMLDivElement>(null);
  const model = findChatModel(settings.model);
  const capable = model?.tools === true;
  const reason = capable ? undefined : `${model?.label ?? "This model"} cannot use tools`;

  // Escape closes the panel and gives the focus back to its button.
  useEffect(() => {
    if (!open) return;
    const onKey = (e: KeyboardEvent) => {
      if (e.key !== "Escape") return;
      setOpen(false);
      wrapRef.current?.querySelector<HTMLButtonElement>("button")?.focus();
    };
    document.addEventListener("keydown", onKey);
    return () => document.removeEventListener("keydown", onKey);
  }, [open]);

  return (
    <div ref={wrapRef} className="relative shrink-0">
      <button
        type="button"
        className={button}
        aria-expanded={open}
        aria-controls={panelId}
        aria-describedby={reason ? reasonId : undefined}
        onPointerEnter={() => void loadPanel()}
        onFocus={() => void loadPanel()}
        onClick={() => setOpen((o) => !o)}
      >
        Tools
        {!capable && <span className="text-xs font-normal text-muted-foreground">off</span>}
      </button>
      {reason && (
        <span id={reasonId} className="sr-only">
          {reason}
        </span>
      )}
      {open && (
        <Suspense
          fallback={
            <section
              id={panelId}
              aria-label="Tools"
              aria-busy="true"
              className="absolute left-0 top-full z-20 mt-1 w-80 max-w-[90vw] rounded-lg border border-border bg-card p-3 text-sm shadow-lg"
            >
              Loading…
            </section>
          }
        >
          <ToolsPanel id={panelId} settings={settings} onChange={onChange} reason={reason} />
        </Suspense>
      )}
    </div>
  );
}
