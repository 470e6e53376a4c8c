import { useCallback, useEffect, useRef, useState } from "react";

const AT_BOTTOM_SLACK_PX = 48;

/**
 * Follows new content only while the reader is at the bottom, so scrolling up to read is never
 * undone by the stream. A ResizeObserver catches growth from streamed tokens and late highlighting.
 */
export function useStickToBottom() {
  const scrollRef = useRef<HTMLDivElement>(null);
  const contentRef = useRef<HTMLDivElement>(null);
  const atBottomRef = useRef(true);
  const [atBottom, setAtBottom] = useState(true);

  useEffect(() => {
    const scroller = scrollRef.current;
    const content = contentRef.current;
    if (!scroller || !content) return;
    const onScroll = () => {
      const value = scroller.scrollHeight - scroller.scrollTop - scroller.clientHeight <= AT_BOTTOM_SLACK_PX;
      atBottomRef.current = value;
      setAtBottom(value);
    };
    const observer = new ResizeObserver(() => {
      if (atBottomRef.current) scroller.scrollTop = scroller.scrollHeight;
    });
    scroller.addEventListener("scroll", onScroll, { passive: true });
    observer.observe(content);
    scroller.scrollTop = scroller.scrollHeight;
    return () => {
      scroller.removeEventListener("scroll", onScroll);
      observer.disconnect();
    };
  }, []);

  const scrollToBottom = useCallback(() => {
    const scroller = scrollRef.current;
    if (!scroller) return;
    atBottomRef.current = true;
    setAtBottom(true);
    scroller.scrollTop = scroller.scrollHeight;
  }, []);

  return { scrollRef, contentRef, atBottom, scrollToBottom };
}
