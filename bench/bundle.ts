/**
 * Gzipped JavaScript and CSS that the first paint of the app loads (the entry, its static imports
 * and stylesheets, as index.html names them), next to everything else the build emits (lazy chunks:
 * the markdown renderer, syntax highlighting and its languages, other pages).
 *   npx tsx bench/bundle.ts
 */
import { execFileSync } from "node:child_process";
import { readdirSync, readFileSync } from "node:fs";
import { join } from "node:path";
import { gzipSync } from "node:zlib";

const OUT = "dist/client";
execFileSync(process.execPath, ["node_modules/vite/bin/vite.js", "build", "--logLevel", "error"], { stdio: "inherit" });

const gz = (file: string) => gzipSync(readFileSync(join(OUT, file)), { level: 9 }).length;
const kb = (bytes: number) => `${(bytes / 1024).toFixed(1)} KB`;

const html = readFileSync(join(OUT, "index.html"), "utf8");
const firstPaint = [...html.matchAll(/(?:src|href)="\/(assets\/[^"]+\.(?:js|css))"/g)].map((m) => m[1]);
const all = readdirSync(join(OUT, "assets")).filter((f) => /\.(js|css)$/.test(f)).map((f) => `assets/${f}`);
const lazy = all.filter((f) => !firstPaint.includes(f));

console.log("First paint of any page (index.html):");
for (const f of firstPaint) console.log(`  ${f.padEnd(48)} ${kb(gz(f)).padStart(10)}`);
const firstTotal = firstPaint.reduce((sum, f) => sum + gz(f), 0);
console.log(`  ${"total gzipped".padEnd(48)} ${kb(firstTotal).padStart(10)}   (target for the chat page: 150 KB)`);
const lazyTotal = lazy.reduce((sum, f) => sum + gz(f), 0);
console.log(`Loaded on demand: ${lazy.length} chunks, ${kb(lazyTotal)} gzipped; largest:`);
for (const f of lazy.sort((a, b) => gz(b) - gz(a)).slice(0, 6)) console.log(`  ${f.padEnd(48)} ${kb(gz(f)).padStart(10)}`);
