import { useEffect, useRef } from "react";

/**
 * Streamdown's code blocks and tables scroll sideways (a long line or a wide table on a phone) but
 * hold nothing focusable, so a keyboard could not scroll them (WCAG 2.1.1; axe's
 * scrollable-region-focusable, e2e/axe.spec.ts). Streamdown renders them itself, so each scroller is
 * made focusable and named here as it appears.
 */
function makeFocusable(root: HTMLElement) {
  for (const code of root.querySelectorAll<HTMLElement>('[data-streamdown="code-block-body"]:not([tabindex])')) {
    const language = code.dataset.language;
    name(code, language ? `Code (${language})` : "Code");
  }
  for (const table of root.querySelectorAll<HTMLElement>('[data-streamdown="table"]')) {
    const scroller = table.parentElement;
    if (scroller && scroller !== root && !scroller.hasAttribute("tabindex")) name(scroller, "Table");
  }
}

function name(el: HTMLElement, label: string) {
  el.tabIndex = 0;
  el.setAttribute("role", "group");
  el.setAttribute("aria-label", label);
}

export function useKeyboardScrollable<T extends HTMLElement>() {
  const ref = useRef<T>(null);
  useEffect(() => {
    const root = ref.current;
    if (!root) return;
    makeFocusable(root);
    const observer = new MutationObserver(() => makeFocusable(root));
    observer.observe(root, { childList: true, subtree: true });
    return () => observer.disconnect();
  }, []);
  return ref;
}
