import { lazy, Suspense } from "react";
import { useNearViewport } from "./useNearViewport";

// The markdown pipeline (unified, remark, rehype, Streamdown) is most of a chat page's weight, so it
// is a separate chunk: the page paints without it and fetches it right after (see preloadMarkdown).
const load = () => import("./Markdown");
const Markdown = lazy(load);

/**
 * Starts the download early, so the first answer renders formatted, but only once the browser is
 * idle: the first paint never waits on (or competes with) the renderer's bytes.
 */
export function preloadMarkdown(): void {
  if (typeof requestIdleCallback === "function") requestIdleCallback(() => void load(), { timeout: 2000 });
  else setTimeout(() => void load(), 200);
}

const plain = "whitespace-pre-wrap break-words text-[0.95rem] leading-relaxed";

/**
 * Markdown for model output; until the renderer arrives the raw text shows, so nothing waits on it.
 * With `deferred`, the text also stays plain until it scrolls near the visible area: a long
 * conversation opens without parsing hundreds of answers nobody is looking at (bench/long-conversation.ts).
 */
export function LazyMarkdown({ children, streaming, deferred = false }: { children: string; streaming?: boolean; deferred?: boolean }) {
  const [ref, near] = useNearViewport<HTMLDivElement>(deferred && !streaming);
  const fallback = (
    <div ref={near ? undefined : ref} className={plain}>
      {children}
    </div>
  );
  if (!near) return fallback;
  return (
    <Suspense fallback={fallback}>
      <Markdown streaming={streaming}>{children}</Markdown>
    </Suspense>
  );
}
