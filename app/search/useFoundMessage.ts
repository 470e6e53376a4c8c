import { useEffect } from "react";
import { useSearch } from "wouter";
import type { ChatMessage } from "../../contract/messages";
import { FOUND_MESSAGE_PARAM } from "./messagePath";

/** The element id a message is rendered under, for a search result to scroll to. */
export function messageElementId(messageId: string): string {
  return `m-${messageId}`;
}

/**
 * The message a search result opened (`?m=<id>`), once it is on screen: scrolled into view. Returns
 * its id so the list can mark it; undefined when the address names none or it is not loaded.
 */
export function useFoundMessage(messages: ChatMessage[]): string | undefined {
  const wanted = new URLSearchParams(useSearch()).get(FOUND_MESSAGE_PARAM) ?? undefined;
  const found = wanted && messages.some((m) => m.id === wanted) ? wanted : undefined;

  useEffect(() => {
    if (!found) return;
    // After the list's own first scroll to the bottom (a parent's effect, run after this one).
    const frame = requestAnimationFrame(() => {
      const element = document.getElementById(messageElementId(found));
      if (!element) return;
      element.scrollIntoView({ block: "center" });
      // Tell the stick-to-bottom hook now that the reader moved, before late layout could pull it back down.
      element.closest("[data-scroll-root]")?.dispatchEvent(new Event("scroll"));
    });
    return () => cancelAnimationFrame(frame);
  }, [found]);

  return found;
}
