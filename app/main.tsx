import { lazy, StrictMode, Suspense } from "react";
import { createRoot } from "react-dom/client";
import { App } from "./App";
import "./index.css";

// A shared link (/s/<token>) is a page of its own, without the app around it: the shell would ask
// the API for status and so give the visitor an identity cookie. Loaded on demand.
const SharedPage = lazy(() => import("./share/SharedPage"));
const sharedToken = /^\/s\/([^/]+)\/?$/.exec(location.pathname)?.[1];

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
);
