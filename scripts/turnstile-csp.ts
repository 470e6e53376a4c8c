import { existsSync, readFileSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import type { Plugin } from "vite";

const TURNSTILE = "https://challenges.cloudflare.com";

/**
 * The static pages' CSP (public/_headers) allows scripts and frames from this origin only. A deployment
 * that turns Turnstile on (TURNSTILE_SITE_KEY in wrangler.jsonc `vars`, or the build's shell) needs
 * Cloudflare's challenge script and frame too, so the build opens the CSP for exactly that origin, and
 * only then.
 */
export function turnstileCsp(): Plugin {
  return {
    name: "turnstile-csp",
    apply: "build",
    writeBundle(options) {
      const file = join(options.dir ?? "", "_headers");
      if (!existsSync(file) || !turnstileSiteKey()) return;
      const headers = readFileSync(file, "utf8").replace(/^(\s*Content-Security-Policy:.*)$/m, (line) => openFor(line));
      writeFileSync(file, headers);
    },
  };
}

function openFor(policy: string): string {
  let line = policy.replace(/script-src ([^;]*)/, `script-src $1 ${TURNSTILE}`);
  line = /frame-src /.test(line)
    ? line.replace(/frame-src ([^;]*)/, `frame-src $1 ${TURNSTILE}`)
    : line.replace(/(default-src [^;]*;)/, `$1 frame-src ${TURNSTILE};`);
  return line;
}

function turnstileSiteKey(): string {
  if (process.env.TURNSTILE_SITE_KEY?.trim()) return process.env.TURNSTILE_SITE_KEY.trim();
  const config = existsSync("wrangler.jsonc") ? readFileSync("wrangler.jsonc", "utf8") : "";
  return /"TURNSTILE_SITE_KEY"\s*:\s*"([^"]*)"/.exec(config)?.[1]?.trim() ?? "";
}
