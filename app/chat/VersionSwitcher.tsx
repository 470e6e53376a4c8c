import { type MouseEvent, useEffect, useRef } from "react";

interface Props {
  /** 1-based: which version is on screen. */
  index: number;
  count: number;
  /** Shows the version `delta` away (-1 previous, +1 next). */
  onSwitch: (delta: -1 | 1) => void;
  disabled: boolean;
}

/**
 * Switching replaces the message on screen with another version (another id, so React draws a new
 * element), and the arrow that had the focus goes with it. Its place in the log is remembered here,
 * so the keyboard lands on the same arrow of the version shown, or the other one at either end.
 */
let refocus: { position: number; label: string; at: number } | undefined;
/** A switch that failed leaves its mark: it is dropped after this long rather than steal focus later. */
const REFOCUS_MS = 10_000;

function positionInLog(el: Element): number {
  const item = el.closest('[role="log"] > *');
  return item?.parentElement ? [...item.parentElement.children].indexOf(item) : -1;
}

/** "‹ 2 / 3 ›" under a message that has other versions (regenerated answers, edited questions). */
export function VersionSwitcher({ index, count, onSwitch, disabled }: Props) {
  const arrow = "inline-flex size-6 items-center justify-center rounded hover:bg-muted disabled:opacity-40 disabled:hover:bg-transparent";
  const groupRef = useRef<HTMLSpanElement>(null);

  useEffect(() => {
    const group = groupRef.current;
    if (refocus && Date.now() - refocus.at > REFOCUS_MS) refocus = undefined;
    if (!refocus || !group || positionInLog(group) !== refocus.position) return;
    const buttons = [...group.querySelectorAll("button")];
    const target = buttons.find((b) => b.getAttribute("aria-label") === refocus?.label && !b.disabled) ?? buttons.find((b) => !b.disabled);
    if (!target) return; // Both wait (an answer is being written): tried again when that changes.
    refocus = undefined;
    target.focus();
  }); // After every render: the arrows may be enabled again only once the answer is written.

  const press = (delta: -1 | 1) => (e: MouseEvent<HTMLButtonElement>) => {
    const button = e.currentTarget;
    if (document.activeElement === button)
      refocus = { position: positionInLog(button), label: button.getAttribute("aria-label") ?? "", at: Date.now() };
    onSwitch(delta);
  };

  return (
    <span ref={groupRef} role="group" aria-label="Versions" className="inline-flex items-center gap-0.5 text-xs text-muted-foreground">
      <button type="button" className={arrow} aria-label="Previous version" disabled={disabled || index <= 1} onClick={press(-1)}>
        ‹
      </button>
      <span className="tabular-nums">
        {index} / {count}
      </span>
      <button type="button" className={arrow} aria-label="Next version" disabled={disabled || index >= count} onClick={press(1)}>
        ›
      </button>
    </span>
  );
}
