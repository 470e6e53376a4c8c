import "./zod-jitless";
import { lazy, StrictMode, Suspense } from "react";
import { createRoot } from "react-dom/client";
import { App } from "./App";
import { preloadPageFor } from "./pages";
import "./index.css";

// A shared link (/s/<token>) is a page of its own, without the app around it: the app would ask
// the API for status and so give the visitor an identity cookie. Loaded on demand.
const SharedPage = lazy(() => import("./share/SharedPage"));
const sharedToken = /^\/s\/([^/]+)\/?$/.exec(location.pathname)?.[1];

// index.html's static shell stays on screen until this page's code is here; then the first render
// replaces it (createRoot clears #root) with the same layout, filled in. Not a top-level await: the
// bundler would have to split every module the lazy pages share with this entry into chunks of their
// own (a page awaited by the entry cannot import from it), and each is one more request on a slow link.
void (sharedToken ? Promise.resolve() : preloadPageFor(location.pathname)).then(() =>
  createRoot(document.getElementById("root")!).render(
    <StrictMode>
      {sharedToken ? (
        <Suspense fallback={null}>
          <SharedPage token={sharedToken} />
        </Suspense>
      ) : (
        <App />
      )}
    </StrictMode>,
  ),
);
