import { createElement, lazy, type ComponentType } from "react";

/**
 * A page that loads on demand and, once loaded, renders at once: React.lazy alone suspends on its
 * first render even when the code is already here, which would swap the static shell for a
 * "Loading…" fallback for a frame. main.tsx loads the page for the address first (see preloadPageFor).
 */
function lazyPage(load: () => Promise<{ default: ComponentType }>) {
  let loaded: ComponentType | undefined;
  const fetchPage = () =>
    load().then((module) => {
      loaded = module.default;
      return module;
    });
  const Lazy = lazy(fetchPage);
  const Page = () => createElement(loaded ?? Lazy);
  return Object.assign(Page, { preload: fetchPage });
}

export const ImagesPage = lazyPage(() => import("./images/ImagesPage"));
export const VisionPage = lazyPage(() => import("./vision/VisionPage"));
export const AssistantsPage = lazyPage(() => import("./assistants/AssistantsPage"));

/**
 * Loads the code of the page at `path`, if it is one that loads on demand. The app waits for it
 * before its first render, so React replaces the static shell with the page itself; a failure is
 * left to the page's Suspense boundary, as any later navigation's would be.
 */
export function preloadPageFor(path: string): Promise<unknown> {
  if (path === "/images") return ImagesPage.preload().catch(() => undefined);
  if (path === "/vision" || path.startsWith("/vision/")) return VisionPage.preload().catch(() => undefined);
  if (path === "/assistants") return AssistantsPage.preload().catch(() => undefined);
  return Promise.resolve();
}
