import { lazy, Suspense } from "react";

// The markdown pipeline (unified, remark, rehype, Streamdown) is most of a chat page's weight, so it
// is a separate chunk: the page paints without it and fetches it right after (see preloadMarkdown).
const load = () => import("./Markdown");
const Markdown = lazy(load);

/** Starts the download early, e.g. once the page is up, so the first answer renders formatted. */
export function preloadMarkdown(): void {
  void load();
}

/** Markdown for model output; until the renderer arrives the raw text shows, so nothing waits on it. */
export function LazyMarkdown({ children, streaming }: { children: string; streaming?: boolean }) {
  return (
    <Suspense fallback={<div className="whitespace-pre-wrap break-words text-[0.95rem] leading-relaxed">{children}</div>}>
      <Markdown streaming={streaming}>{children}</Markdown>
    </Suspense>
  );
}
