import { expect, test } from "@playwright/test";
import { execFileSync } from "node:child_process";
import { mkdtempSync, readdirSync, readFileSync, rmSync, type Dirent } from "node:fs";
import { tmpdir } from "node:os";
import { join, relative } from "node:path";

// Not a browser test: it builds the app exactly as `npm run deploy` does, with canary values in every
// secret-bearing variable, and proves none reaches the build (secrets are set on Cloudflare, never
// baked in), and that the browser's files do not even name them.
test("the build carries no secret, token or account id, the client bundle names none, and pages get strict security headers", async () => {
  test.setTimeout(180_000);
  const outDir = mkdtempSync(join(tmpdir(), "bundle-"));
  const canaries = { WORKERS_AI_TOKEN: "tok_canary_4f2a", SESSION_SECRET: "session_canary_9c1d", WORKERS_AI_REST_URL: "https://api.cloudflare.com/client/v4/accounts/acct_canary_77/ai" };
  try {
    execFileSync(process.execPath, ["node_modules/vite/bin/vite.js", "build", "--logLevel", "error", "--outDir", outDir], { env: { ...process.env, ...canaries }, stdio: "pipe" });
    // Every file, dotfiles too: the Cloudflare plugin would write secrets to <worker>/.dev.vars.
    const files = (readdirSync(outDir, { recursive: true, withFileTypes: true }) as Dirent[])
      .filter((entry) => entry.isFile())
      .map((entry) => relative(outDir, join(entry.parentPath, entry.name)));
    expect(files.some((f) => f.endsWith(".dev.vars"))).toBe(false);
    expect(files.some((f) => f.endsWith(".js"))).toBe(true);
    const workerDir = "workers_ai_chat"; // the Worker's own bundle; everything else is served to browsers
    expect(files.some((f) => f.startsWith(`${workerDir}/`))).toBe(true);
    for (const file of files) {
      const text = readFileSync(join(outDir, file), "utf8");
      const forbidden = ["tok_canary_4f2a", "session_canary_9c1d", "acct_canary_77", ...(file.startsWith(`${workerDir}/`) ? [] : ["WORKERS_AI_TOKEN", "SESSION_SECRET"])];
      for (const canary of forbidden) expect(text.includes(canary), `${canary} in ${file}`).toBe(false);
    }

    // The headers Cloudflare serves the pages with (Workers static assets apply _headers).
    const headers = readFileSync(join(outDir, "client", "_headers"), "utf8");
    const csp = /Content-Security-Policy: (.*)/.exec(headers)?.[1] ?? "";
    const scriptSrc = /script-src ([^;]*)/.exec(csp)?.[1] ?? "";
    expect(scriptSrc.trim()).toBe("'self'");
    expect(csp).not.toMatch(/unsafe-eval/);
    expect(csp).toContain("frame-ancestors 'none'");
    expect(csp).toContain("object-src 'none'");
    expect(headers).toContain("X-Content-Type-Options: nosniff");
    expect(headers).toMatch(/Referrer-Policy: strict-origin-when-cross-origin/);
    expect(headers).toContain("Cross-Origin-Opener-Policy: same-origin");
    expect(headers).toContain("Cross-Origin-Resource-Policy: same-origin");
    const permissions = /Permissions-Policy: (.*)/.exec(headers)?.[1] ?? "";
    for (const feature of ["camera=()", "microphone=()", "geolocation=()", "payment=()", "usb=()", "clipboard-write=(self)"]) expect(permissions).toContain(feature);
    // The Worker sets the same block on its own responses: its bundle carries this file's CSP.
    const workerCode = files.filter((f) => f.startsWith(`${workerDir}/`) && f.endsWith(".js")).map((f) => readFileSync(join(outDir, f), "utf8")).join("\n");
    expect(workerCode).toContain(csp);
  } finally {
    rmSync(outDir, { recursive: true, force: true });
  }
});
