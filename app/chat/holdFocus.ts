const FOCUSABLE =
  'a[href], button:not([disabled]), input:not([disabled]), select:not([disabled]), textarea:not([disabled]), [tabindex]:not([tabindex="-1"])';

function focusables(root: HTMLElement): HTMLElement[] {
  return [...root.querySelectorAll<HTMLElement>(FOCUSABLE)].filter((el) => el.getClientRects().length > 0 && !el.closest("dialog"));
}

/**
 * Keeps keyboard focus inside `root` (a drawer) until it closes: focus moves to its first control,
 * Tab and Shift+Tab wrap around inside it, Escape asks to close. The returned cleanup gives focus back
 * to `returnTo()` when it was inside the drawer or lost (a link chosen in it navigates and hides it).
 * Keys inside a <dialog> opened from the drawer are the dialog's own (its Escape closes only it).
 */
export function holdFocusIn(root: HTMLElement, close: () => void, returnTo: () => HTMLElement | null): () => void {
  focusables(root)[0]?.focus();
  const onKey = (e: KeyboardEvent) => {
    if (e.target instanceof Element && e.target.closest("dialog")) return;
    if (e.key === "Escape") {
      close();
      return;
    }
    if (e.key !== "Tab") return;
    const items = focusables(root);
    if (!items.length) return;
    const first = items[0];
    const last = items[items.length - 1];
    const active = document.activeElement;
    if (e.shiftKey && (active === first || !root.contains(active))) {
      e.preventDefault();
      last.focus();
    } else if (!e.shiftKey && (active === last || !root.contains(active))) {
      e.preventDefault();
      first.focus();
    }
  };
  window.addEventListener("keydown", onKey);
  return () => {
    window.removeEventListener("keydown", onKey);
    const active = document.activeElement;
    if (!active || active === document.body || root.contains(active)) returnTo()?.focus();
  };
}
