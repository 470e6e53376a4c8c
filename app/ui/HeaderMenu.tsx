import { useEffect, useRef, useState, type ReactNode } from "react";
import { useLocation } from "wouter";
import { iconButton } from "./styles";
import { StrokeIcon } from "./StrokeIcon";

/**
 * The header's controls after the navigation (backend, budget, theme, who you are). From `lg` (1024 px) they
 * sit in the header; below it there is no room beside the navigation (and the links to Connectors, Memory and Assistants), so they fold into one panel
 * behind a "Menu" disclosure button. One set of controls either way: CSS alone decides where it shows.
 * Escape closes the panel and puts focus back on the button; so does a click outside, and leaving
 * the panel with Tab or changing page closes it.
 */
export function HeaderMenu({ children }: { children: ReactNode }) {
  const [open, setOpen] = useState(false);
  const buttonRef = useRef<HTMLButtonElement>(null);
  const panelRef = useRef<HTMLDivElement>(null);
  const [path] = useLocation();

  // Changing page closes it (set while rendering, React's way to reset state when an input changes).
  const [openedOn, setOpenedOn] = useState(path);
  if (openedOn !== path) {
    setOpenedOn(path);
    setOpen(false);
  }

  useEffect(() => {
    if (!open) return;
    const inside = (target: EventTarget | null) =>
      target instanceof Node && (buttonRef.current?.contains(target) || panelRef.current?.contains(target));
    const onKey = (e: KeyboardEvent) => {
      if (e.key !== "Escape") return;
      setOpen(false);
      buttonRef.current?.focus();
    };
    const onPointer = (e: PointerEvent) => !inside(e.target) && setOpen(false);
    const onFocus = (e: FocusEvent) => !inside(e.target) && setOpen(false);
    document.addEventListener("keydown", onKey);
    document.addEventListener("pointerdown", onPointer);
    document.addEventListener("focusin", onFocus);
    return () => {
      document.removeEventListener("keydown", onKey);
      document.removeEventListener("pointerdown", onPointer);
      document.removeEventListener("focusin", onFocus);
    };
  }, [open]);

  return (
    <>
      <button
        ref={buttonRef}
        type="button"
        className={`${iconButton} ml-auto shrink-0 lg:hidden`}
        aria-label="Menu"
        aria-expanded={open}
        aria-controls="header-menu"
        onClick={() => setOpen((o) => !o)}
      >
        <StrokeIcon>
          <circle cx="12" cy="5" r="1" />
          <circle cx="12" cy="12" r="1" />
          <circle cx="12" cy="19" r="1" />
        </StrokeIcon>
      </button>
      <div
        ref={panelRef}
        id="header-menu"
        className={`${open ? "max-lg:flex" : "max-lg:hidden"} min-w-0 items-center gap-2 max-lg:absolute max-lg:top-full max-lg:right-2 max-lg:z-40 max-lg:mt-1 max-lg:w-[min(20rem,calc(100vw-1rem))] max-lg:flex-col max-lg:items-start max-lg:gap-3 max-lg:rounded-lg max-lg:border max-lg:border-border max-lg:bg-card max-lg:p-3 max-lg:shadow-lg lg:ml-auto lg:flex`}
      >
        {children}
      </div>
    </>
  );
}
