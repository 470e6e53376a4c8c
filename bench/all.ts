/**
 * Every benchmark, one after another (each starts and stops what it needs; ~20 minutes on 2 cores):
 *   npm run bench
 * Each also runs alone: npm run bench:relay | bench:openai | bench:relay-anatomy | bench:engine | bench:render | bench:long | bench:bundle | bench:first-paint | bench:upload | bench:ttft | bench:vision | bench:retrieval | bench:load
 */
import { execFileSync } from "node:child_process";

const benches = [
  "relay",
  "openai-relay",
  "relay-anatomy",
  "engine",
  "render",
  "long-conversation",
  "bundle",
  "first-paint",
  "upload",
  "chat-ttft",
  "vision-ttft",
  "retrieval",
  "load",
];
const failed: string[] = [];
for (const name of benches) {
  console.log(`\n=== bench/${name}.ts`);
  try {
    execFileSync(process.execPath, ["--import", "tsx", `bench/${name}.ts`], { stdio: "inherit", timeout: 15 * 60_000 });
  } catch {
    failed.push(name);
  }
}
if (failed.length) {
  console.error(`\nFailed: ${failed.join(", ")}`);
  process.exit(1);
}
