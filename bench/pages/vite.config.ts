import { resolve } from "node:path";
import { defineConfig } from "vite";
import react from "@vitejs/plugin-react";

// The benchmark harness pages (not part of the app): the naive markdown baseline, the upload
// resizer, and the first-paint floors (a bare Vite + React page, a static page), built for production
// like the app so both sides of a comparison are optimised builds.
export default defineConfig({
  root: resolve(import.meta.dirname),
  base: "/bench/",
  plugins: [react()],
  logLevel: "error",
  build: {
    outDir: resolve(import.meta.dirname, "../../.cache/bench-pages"),
    emptyOutDir: true,
    rollupOptions: {
      input: {
        naive: resolve(import.meta.dirname, "naive.html"),
        upload: resolve(import.meta.dirname, "upload.html"),
        bare: resolve(import.meta.dirname, "bare.html"),
        static: resolve(import.meta.dirname, "static.html"),
      },
    },
  },
});
