import { expect, test } from "@playwright/test";
import { execFileSync } from "node:child_process";
import { createHash } from "node:crypto";
import {
  copyFileSync,
  existsSync,
  mkdirSync,
  mkdtempSync,
  readdirSync,
  readFileSync,
  rmSync,
  statSync,
  writeFileSync,
  type Dirent,
} from "node:fs";
import { createServer } from "node:http";
import type { AddressInfo } from "node:net";
import { tmpdir } from "node:os";
import { dirname, extname, join, relative } from "node:path";

// Mostly not a browser test: it builds the app exactly as `npm run deploy` does, with canary values in every
// secret-bearing variable, and proves none reaches the build (secrets are set on Cloudflare, never
// baked in), and that the browser's files do not even name them.
test("the build carries no secret, token or account id, the client bundle names none, and pages get strict security headers and a static shell that runs under them", async ({
  browser,
}) => {
  test.setTimeout(180_000);
  const outDir = mkdtempSync(join(tmpdir(), "bundle-"));
  const canaries = {
    WORKERS_AI_TOKEN: "tok_canary_4f2a",
    SESSION_SECRET: "session_canary_9c1d",
    WORKERS_AI_REST_URL: "https://api.cloudflare.com/client/v4/accounts/acct_canary_77/ai",
  };
  try {
    execFileSync(process.execPath, ["node_modules/vite/bin/vite.js", "build", "--logLevel", "error", "--outDir", outDir], {
      env: { ...process.env, ...canaries },
      stdio: "pipe",
    });
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
      const forbidden = [
        "tok_canary_4f2a",
        "session_canary_9c1d",
        "acct_canary_77",
        ...(file.startsWith(`${workerDir}/`) ? [] : ["WORKERS_AI_TOKEN", "SESSION_SECRET"]),
      ];
      for (const canary of forbidden) expect(text.includes(canary), `${canary} in ${file}`).toBe(false);
    }

    // The headers Cloudflare serves the pages with (Workers static assets apply _headers).
    const headers = readFileSync(join(outDir, "client", "_headers"), "utf8");
    const csp = /Content-Security-Policy: (.*)/.exec(headers)?.[1] ?? "";
    const scriptSrc = /script-src ([^;]*)/.exec(csp)?.[1] ?? "";
    // Scripts from this origin, and the page's inline scripts only by their hashes (recomputed here
    // from the built page, so the page and its headers cannot drift apart): no 'unsafe-inline'.
    const html = readFileSync(join(outDir, "client", "index.html"), "utf8");
    const inline = [...html.matchAll(/<script>([\s\S]*?)<\/script>/g)].map((m) => m[1]);
    expect(inline).toHaveLength(1); // the theme script
    const hashes = inline.map((script) => `'sha256-${createHash("sha256").update(script, "utf8").digest("base64")}'`);
    expect(scriptSrc.trim().split(/\s+/)).toEqual(["'self'", ...hashes]);
    expect(csp).not.toMatch(/unsafe-eval/);
    expect(csp).toContain("frame-ancestors 'none'");
    expect(csp).toContain("object-src 'none'");
    expect(headers).toContain("X-Content-Type-Options: nosniff");
    expect(headers).toMatch(/Referrer-Policy: strict-origin-when-cross-origin/);
    expect(headers).toContain("Cross-Origin-Opener-Policy: same-origin");
    expect(headers).toContain("Cross-Origin-Resource-Policy: same-origin");
    const permissions = /Permissions-Policy: (.*)/.exec(headers)?.[1] ?? "";
    // The microphone for this origin only: dictation and voice mode (issue 26).
    for (const feature of ["camera=()", "microphone=(self)", "geolocation=()", "payment=()", "usb=()", "clipboard-write=(self)"])
      expect(permissions).toContain(feature);
    // The Worker sets the same block on its own responses: its bundle carries this file's CSP.
    const workerCode = files
      .filter((f) => f.startsWith(`${workerDir}/`) && f.endsWith(".js"))
      .map((f) => readFileSync(join(outDir, f), "utf8"))
      .join("\n");
    expect(workerCode).toContain(csp);

    // The page paints from its HTML: a shell in #root (header, navigation, a composer placeholder),
    // its styles inline, and no stylesheet or classic script in <head> to wait for.
    const [head, body] = html.split("</head>");
    expect(body).toMatch(/<div id="root">\s*<div class="shell">\s*<header/);
    for (const link of ['href="/"', 'href="/images"', 'href="/vision"']) expect(body).toContain(link);
    expect(body).toContain("shell-composer");
    expect(head).toMatch(/<style>[^<]*\.shell-header\{/);
    expect(head).not.toMatch(/rel="stylesheet"/);
    expect(head).not.toMatch(/<script src=/);
    expect(body).toMatch(/<link rel="stylesheet"[^>]*href="\/assets\/[^"]+\.css"/);
    expect(head).toMatch(/<script type="module"[^>]*src="\/assets\//);

    // The built pages run under those headers without a single CSP violation (Zod's `new Function`
    // probe was one, on every load): served as Cloudflare would, the API left unanswered.
    const served = await serveWithHeaders(join(outDir, "client"), headers);
    try {
      const page = await browser.newPage();
      await page.addInitScript(() => {
        (window as unknown as { violations: string[] }).violations = [];
        document.addEventListener("securitypolicyviolation", (e) =>
          (window as unknown as { violations: string[] }).violations.push(
            `${e.effectiveDirective} ${e.blockedURI} at ${e.sourceFile}:${e.lineNumber}`,
          ),
        );
      });
      for (const path of ["/", "/images", "/vision"]) {
        const response = await page.goto(`${served.url}${path}`);
        expect(response?.headers()["content-security-policy"]).toBe(csp);
        // The app's code ran: React has taken over #root (every module, and its schemas, evaluated).
        await page.waitForFunction(() => Object.keys(document.getElementById("root") ?? {}).some((k) => k.startsWith("__reactContainer")));
        await page.evaluate(() => new Promise((resolve) => requestAnimationFrame(() => setTimeout(resolve, 0))));
        expect(await page.evaluate(() => (window as unknown as { violations: string[] }).violations), path).toEqual([]);
      }
      await page.close();
    } finally {
      await served.close();
    }
  } finally {
    rmSync(outDir, { recursive: true, force: true });
  }
});

/** The built client as Workers static assets serve it: files, the SPA fallback, and `_headers` on every response. */
async function serveWithHeaders(root: string, headersFile: string) {
  const headers = Object.fromEntries(
    [...headersFile.matchAll(/^ +([A-Za-z-]+): (.*)$/gm)].map(([, name, value]) => [name.toLowerCase(), value.trim()]),
  );
  const types: Record<string, string> = { ".html": "text/html", ".js": "text/javascript", ".css": "text/css", ".svg": "image/svg+xml" };
  const server = createServer((request, response) => {
    const path = new URL(request.url ?? "/", "http://x").pathname;
    const file = join(root, path);
    const found = path.startsWith("/api/") ? null : existsSync(file) && statSync(file).isFile() ? file : join(root, "index.html");
    if (!found) return response.writeHead(404, headers).end();
    response.writeHead(200, { ...headers, "content-type": types[extname(found)] ?? "application/octet-stream" });
    response.end(readFileSync(found));
  });
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
  const { port } = server.address() as AddressInfo;
  return { url: `http://127.0.0.1:${port}`, close: () => new Promise<void>((resolve) => server.close(() => resolve())) };
}

// Not a browser test either: the build itself refuses a CSP that would block the page's theme script.
test("a build whose headers lack the inline theme script's hash fails and names the hash to add", async () => {
  const { firstPaint, inlineThemeScript, cspHashOf } = await import("../scripts/first-paint-plugin");
  const root = mkdtempSync(join(tmpdir(), "first-paint-"));
  try {
    for (const file of ["app/shell/theme-init.js", "app/tokens.css", "app/shell/shell.css"]) {
      mkdirSync(dirname(join(root, file)), { recursive: true });
      copyFileSync(file, join(root, file));
    }
    mkdirSync(join(root, "public"));
    const stale = readFileSync("public/_headers", "utf8").replace(/ 'sha256-[^']+'/g, " 'sha256-stale'");
    writeFileSync(join(root, "public/_headers"), stale);
    const plugin = firstPaint();
    (plugin.configResolved as (config: { root: string }) => void)({ root });
    const transform = (plugin.transformIndexHtml as { handler: (html: string, ctx: object) => string }).handler;
    const html = "<head><!-- first-paint:head --></head><body></body>";
    const expected = cspHashOf(inlineThemeScript(root));
    expect(() => transform(html, { bundle: {} })).toThrow(expected);

    writeFileSync(join(root, "public/_headers"), stale.replace("'sha256-stale'", expected));
    expect(transform(html, { bundle: {} })).toContain(`<script>${inlineThemeScript(root)}</script>`);
  } finally {
    rmSync(root, { recursive: true, force: true });
  }
});
