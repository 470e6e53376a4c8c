import { createHash } from "node:crypto";
import { readFileSync } from "node:fs";
import { resolve } from "node:path";
import type { Plugin, Rollup } from "vite";

/** Where index.html wants the inline theme script and the shell's styles. */
const MARKER = "<!-- first-paint:head -->";
const THEME_SCRIPT = "app/shell/theme-init.js";
/** The design tokens first: the shell's rules use them. */
const SHELL_STYLES = ["app/tokens.css", "app/shell/shell.css"];
const HEADERS = "public/_headers";

/**
 * The theme script exactly as index.html carries it: app/shell/theme-init.js without its comment
 * lines and indentation. Its sha256 is what the CSP allows, so this text and the hash in
 * public/_headers must change together (the build refuses otherwise, and e2e/build.spec.ts checks the
 * built page against the built headers).
 */
export function inlineThemeScript(root = "."): string {
  return readFileSync(resolve(root, THEME_SCRIPT), "utf8")
    .split("\n")
    .map((line) => line.trim())
    .filter((line) => line && !line.startsWith("//"))
    .join("\n");
}

/** A CSP source expression allowing exactly this inline script. */
export function cspHashOf(script: string): string {
  return `'sha256-${createHash("sha256").update(script, "utf8").digest("base64")}'`;
}

/** The shell's critical styles, comments and spacing dropped (about 2 KB gzipped inside the HTML). */
function inlineShellStyles(root: string): string {
  return SHELL_STYLES.map((file) => readFileSync(resolve(root, file), "utf8"))
    .join("\n")
    .replace(/\/\*[\s\S]*?\*\//g, "")
    .replace(/\s+/g, " ")
    .replace(/\s*([{};,>])\s*/g, "$1")
    .replace(/:\s+/g, ":")
    .trim();
}

/**
 * First paint from the HTML alone: puts the theme script and the static shell's styles inline in
 * index.html, and moves the app's stylesheet from <head> to the end of <body>. A stylesheet the parser
 * meets in <head> holds the first paint until it arrives (one more round trip: ~600 ms on a slow
 * phone); in <body> it does not, yet the page's module scripts still wait for it before they run
 * (HTML's "style sheet that is blocking scripts"), so React never renders unstyled.
 * The inline script must be allowed by its hash in public/_headers' CSP: a build with a stale hash
 * fails here rather than shipping a page whose theme script the browser refuses.
 * `pages` names the pages that load on demand (the theme script's page name → its module): the build
 * lists their files in a <meta>, from which the theme script preloads the current page's code.
 */
export function firstPaint(options: { pages?: Record<string, string> } = {}): Plugin {
  let root = process.cwd();
  let base = "/";
  return {
    name: "first-paint",
    configResolved(config) {
      root = config.root;
      base = config.base;
    },
    configureServer(server) {
      // Not imported by any module, so Vite would not notice an edit: reload the page on one.
      const files = [THEME_SCRIPT, ...SHELL_STYLES].map((f) => resolve(root, f));
      server.watcher.add(files);
      server.watcher.on("change", (file) => {
        if (files.includes(file)) server.ws.send({ type: "full-reload" });
      });
    },
    transformIndexHtml: {
      order: "post",
      handler(html, ctx) {
        if (!html.includes(MARKER))
          throw new Error(`index.html lost its ${MARKER} marker, where the theme script and the shell's styles go.`);
        const script = inlineThemeScript(root);
        const hash = cspHashOf(script);
        if (!readFileSync(resolve(root, HEADERS), "utf8").includes(hash)) {
          const problem = `${HEADERS} must allow the inline theme script: its Content-Security-Policy script-src needs ${hash} (${THEME_SCRIPT} changed).`;
          // Dev serves no CSP, so there it is a warning; a build would ship a page that cannot set its theme.
          if (ctx.server) ctx.server.config.logger.warn(problem);
          else throw new Error(problem);
        }
        const modules = ctx.bundle && ctx.chunk ? pageModulesMeta(ctx.bundle, ctx.chunk, options.pages ?? {}, root, base) : "";
        let page = html.replace(MARKER, `${modules}<script>${script}</script>\n    <style>${inlineShellStyles(root)}</style>`);
        if (ctx.bundle) {
          const stylesheets: string[] = [];
          page = page.replace(/\s*<link rel="stylesheet"[^>]*>/g, (link) => (stylesheets.push(link.trim()), ""));
          page = page.replace("</body>", `  ${stylesheets.join("\n    ")}\n  </body>`);
        }
        return page;
      },
    },
  };
}

/**
 * `<meta name="page-modules">`: for each page that loads on demand, the files its import() fetches
 * that the entry has not already loaded. Data, not script, so the inline script's hash stays the same
 * from build to build.
 */
function pageModulesMeta(
  bundle: Rollup.OutputBundle,
  entry: Rollup.OutputChunk,
  pages: Record<string, string>,
  root: string,
  base: string,
): string {
  const chunks = Object.values(bundle).filter((output): output is Rollup.OutputChunk => output.type === "chunk");
  const byName = new Map(chunks.map((chunk) => [chunk.fileName, chunk]));
  const withImports = (chunk: Rollup.OutputChunk, into = new Set<string>()): Set<string> => {
    if (into.has(chunk.fileName)) return into;
    into.add(chunk.fileName);
    for (const name of chunk.imports) withImports(byName.get(name)!, into);
    return into;
  };
  const loadedWithEntry = withImports(entry);
  const files: Record<string, string[]> = {};
  for (const [page, module] of Object.entries(pages)) {
    const chunk = chunks.find((c) => c.facadeModuleId === resolve(root, module));
    if (!chunk) throw new Error(`first-paint: no chunk of its own for ${module} (page "${page}"); is it still loaded with import()?`);
    files[page] = [...withImports(chunk)].filter((name) => !loadedWithEntry.has(name)).map((name) => base + name);
  }
  return Object.keys(files).length ? `<meta name="page-modules" content="${JSON.stringify(files).replaceAll('"', "&quot;")}" />\n    ` : "";
}
