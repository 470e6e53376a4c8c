/**
 * The first-paint floor for a client-rendered page (bench/first-paint.ts): Vite's React template
 * reduced to React itself rendering a heading and a sentence, built for production like the app. It
 * paints only once React has arrived and run, as the app did before its static shell.
 */
import { createRoot } from "react-dom/client";

createRoot(document.getElementById("root")!).render(
  <main style={{ fontFamily: "system-ui, sans-serif", padding: 16 }}>
    <h1>What can I help with?</h1>
    <p>A bare Vite + React page: the smallest client-rendered page this build setup makes.</p>
  </main>,
);
