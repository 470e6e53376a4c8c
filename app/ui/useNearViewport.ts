import { useEffect, useRef, useState } from "react";

/** Elements this far outside the scroll container's visible area already count as near. */
const MARGIN = "1200px 0px";

// Elements that came near, revealed one per task: a fast scroll brings several at once, and
// rendering all of their markdown in one task (and one commit) can take over 50 ms.
const queue: (() => void)[] = [];
let pumping = false;
function pump() {
  const next = queue.shift();
  next?.();
  if (queue.length > 0) setTimeout(pump, 0);
  else pumping = false;
}
function reveal(callback: () => void) {
  queue.push(callback);
  if (!pumping) {
    pumping = true;
    setTimeout(pump, 0);
  }
}

// One observer per scroll container, shared by every element in it.
const observers = new WeakMap<Element | Document, { observer: IntersectionObserver; callbacks: Map<Element, () => void> }>();

function observe(element: Element, onNear: () => void): () => void {
  const root = element.closest("[data-scroll-root]") ?? document;
  let entry = observers.get(root);
  if (!entry) {
    const callbacks = new Map<Element, () => void>();
    const observer = new IntersectionObserver(
      (records) => {
        for (const record of records) {
          if (!record.isIntersecting) continue;
          const callback = callbacks.get(record.target);
          callbacks.delete(record.target);
          if (callback) reveal(callback);
          observer.unobserve(record.target);
        }
      },
      { root, rootMargin: MARGIN },
    );
    observers.set(root, (entry = { observer, callbacks }));
  }
  const { observer, callbacks } = entry;
  callbacks.set(element, onNear);
  observer.observe(element);
  return () => {
    // A callback already queued may still run after unmount; setting state then does nothing.
    callbacks.delete(element);
    observer.unobserve(element);
  };
}

/**
 * Whether the element has come near the visible part of its scroll container (the closest
 * `[data-scroll-root]` ancestor, else the viewport). Once true it stays true, so content rendered
 * for it is never torn down again.
 */
export function useNearViewport<T extends Element>(enabled: boolean) {
  const ref = useRef<T>(null);
  const [seen, setNear] = useState(!enabled || typeof IntersectionObserver === "undefined");
  const near = seen || !enabled;
  useEffect(() => {
    const element = ref.current;
    if (near || !element) return;
    return observe(element, () => setNear(true));
  }, [near]);
  return [ref, near] as const;
}
