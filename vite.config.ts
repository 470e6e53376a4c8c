import { randomBytes } from "node:crypto";
import { mkdirSync, writeFileSync } from "node:fs";
import { resolve } from "node:path";
import { defineConfig, type Plugin } from "vite";
import react from "@vitejs/plugin-react";
import tailwindcss from "@tailwindcss/vite";
import { cloudflare } from "@cloudflare/vite-plugin";
import { devWorkerVars } from "./engine/dev-vars.ts";
import { turnstileCsp } from "./scripts/turnstile-csp.ts";
import { firstPaint } from "./scripts/first-paint-plugin.ts";
import { devErrorCause } from "./scripts/dev-error-cause.ts";

// Offline first: do not ask workers.cloudflare.com for a Request.cf sample on every fresh checkout.
process.env.CLOUDFLARE_CF_FETCH_ENABLED ??= "false";

export default defineConfig(async ({ command }) => {
  // Dev only: which Workers AI answers (the local engine unless the shell names another) and the dev
  // identity secret. Built output never carries these: production uses the AI binding and secrets.
  const vars = command === "serve" ? { ...(await devWorkerVars()), OWNER_SETUP_TOKEN: devOwnerToken() } : undefined;
  return {
    plugins: [
      react(),
      tailwindcss(),
      cloudflare({
        // No remote proxy session, so dev needs no Cloudflare login and works offline.
        remoteBindings: false,
        // No fixed debugger port, so several stacks (dev, tests, benchmarks) can run side by side.
        inspectorPort: false,
        persistState: process.env.WORKER_STATE_DIR ? { path: process.env.WORKER_STATE_DIR } : true,
        ...(vars ? { config: (config) => ({ vars: { ...config.vars, ...vars } }) } : {}),
      }),
      noSecretsInBuild(),
      devErrorCause(),
      turnstileCsp(),
      // The pages app/pages.ts loads on demand, named as app/shell/theme-init.js names them.
      firstPaint({ pages: { images: "app/images/ImagesPage.tsx", vision: "app/vision/VisionPage.tsx" } }),
    ],
    server: { port: 5173, strictPort: true },
    // Each test or benchmark stack gets its own optimizer cache (VITE_CACHE_DIR). Two dev servers
    // sharing node_modules/.vite re-bundle over each other's files, and the one whose files changed
    // reloads its open pages: the "Execution context was destroyed" failures on fresh clones.
    cacheDir: process.env.VITE_CACHE_DIR || "node_modules/.vite",
    // Pre-bundle everything the app can ever import before the first page is served. A dependency the
    // optimizer first meets at run time (the highlighter worker's @streamdown/code, a lazy page) makes
    // Vite re-bundle and reload every open page: a person loses what they typed, and a browser test
    // loses its page mid-step ("Execution context was destroyed").
    optimizeDeps: {
      entries: ["index.html", "app/**/*.{ts,tsx}"],
      include: ["@streamdown/code"],
    },
    // ES module workers, so the syntax highlighter's worker loads each language on demand instead of
    // inlining all of them.
    worker: { format: "es" as const },
  };
});

/**
 * The owner setup token under `npm run dev` (worker/auth/owner-setup.ts): the shell's OWNER_SETUP_TOKEN,
 * else a new one per start, kept in process.env so Vite re-reading its config agrees. Printed, and
 * written beside the Worker's local state for the browser tests (e2e/accounts.spec.ts) to read.
 */
function devOwnerToken(): string {
  const fresh = !process.env.OWNER_SETUP_TOKEN;
  const token = (process.env.OWNER_SETUP_TOKEN ||= randomBytes(32).toString("base64url"));
  const dir = resolve(process.env.WORKER_STATE_DIR || ".wrangler/state");
  mkdirSync(dir, { recursive: true });
  writeFileSync(resolve(dir, "owner-setup-token"), token, { mode: 0o600 });
  if (fresh)
    console.log(
      `\n  Owner setup token (this start only): ${token}\n  Paste it on /account under "Owner setup token" to become the owner.\n`,
    );
  return token;
}

/**
 * The Cloudflare plugin copies declared secrets it finds in the shell or a .dev.vars file into the
 * build, as dist/<worker>/.dev.vars, for `vite preview`. A build is what gets deployed, archived or
 * shared, and a secret belongs on Cloudflare (`wrangler secret put`), so the copy is dropped; preview
 * reads secrets from its own environment instead (CLOUDFLARE_INCLUDE_PROCESS_ENV=true).
 */
function noSecretsInBuild(): Plugin {
  return {
    name: "no-secrets-in-build",
    apply: "build",
    enforce: "post",
    generateBundle(_options, bundle) {
      delete bundle[".dev.vars"];
    },
  };
}
