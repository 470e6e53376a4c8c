import { type KeyboardEvent, useRef } from "react";

/**
 * One composer behaviour for every box that sends (chat, message edit, vision, image prompt): Enter
 * sends, Shift+Enter adds a line. An Enter that confirms an IME candidate (Japanese, Chinese, Korean
 * input) never sends: it is seen as `isComposing`, as keyCode 229 (Safari sends that keydown after
 * compositionend), or between compositionstart and compositionend (for browsers that set neither).
 */
export function useEnterSends<T extends HTMLElement>(send: (target: T) => void) {
  const composing = useRef(false);
  return {
    onCompositionStart: () => {
      composing.current = true;
    },
    onCompositionEnd: () => {
      composing.current = false;
    },
    onKeyDown: (e: KeyboardEvent<T>) => {
      if (e.key !== "Enter" || e.shiftKey || e.altKey) return;
      if (composing.current || e.nativeEvent.isComposing || e.keyCode === 229) return;
      e.preventDefault();
      send(e.currentTarget);
    },
  };
}
