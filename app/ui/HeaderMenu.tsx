import { useEffect, useRef, useState, type ReactNode } from "react";
import { useLocation } from "wouter";
import { iconButton } from "./styles";
import { StrokeIcon } from "./StrokeIcon";

/**
 * The header's controls after the navigation (backend, budget, theme, who you are). From `md` (768 px) they
 * sit in the header; below it there is no room beside the navigation (and the logo's name), so they fold into one panel
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
        className={`${iconButton} ml-auto shrink-0 md:hidden`}
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
        className={`${open ? "max-md:flex" : "max-md:hidden"} min-w-0 items-center gap-2 max-md:absolute max-md:top-full max-md:right-2 max-md:z-40 max-md:mt-1 max-md:w-[min(20rem,calc(100vw-1rem))] max-md:flex-col max-md:items-start max-md:gap-3 max-md:rounded-lg max-md:border max-md:border-border max-md:bg-card max-md:p-3 max-md:shadow-lg md:ml-auto md:flex`}
      >
        {children}
      </div>
    </>
  );
}
