/**
 * `npm run deploy`: builds, creates on the Cloudflare account whatever the deployment needs and does
 * not have yet, then `wrangler deploy`. Running it again creates nothing twice.
 *
 *   the R2 bucket of the MEDIA binding, and deploy/r2-lifecycle.json's rule on it
 *   the Vectorize index and its `document` metadata index, when VECTOR_INDEX is "vectorize"
 *   SESSION_SECRET (every secret wrangler.jsonc requires), generated, when the Worker has none
 *
 * Names come from wrangler.jsonc. Arguments after `--` go to `wrangler deploy`; `--no-build` skips
 * `vite build`. WRANGLER_BIN replaces scripts/wrangler.mjs (the tests' stand-in).
 */
import { spawnSync } from "node:child_process";
import { readDeployConfig } from "./deploy/config";
import { DeployError } from "./deploy/errors";
import { listExisting } from "./deploy/inventory";
import { describeStep, planProvisioning } from "./deploy/plan";
import { provision } from "./deploy/provision";
import { ensureSignedIn } from "./deploy/sign-in";
import { mustRunWrangler } from "./deploy/wrangler";

const log = (line: string) => console.log(line);

async function main(argv: string[]) {
  const build = !argv.includes("--no-build");
  const deployArgs = argv.filter((a) => a !== "--no-build" && a !== "--");
  const config = readDeployConfig(process.cwd());

  if (build) {
    const vite = spawnSync(process.execPath, ["node_modules/vite/bin/vite.js", "build"], { stdio: "inherit" });
    if (vite.status !== 0) throw new DeployError("`vite build` failed (above); nothing was created or deployed.");
  }
  await ensureSignedIn(log);
  const steps = planProvisioning(config, await listExisting(config));
  if (steps.length) await provision(steps, log);
  else log("The Cloudflare account already has every resource and secret this deployment needs.");
  if (!config.vectorize) log("VECTOR_INDEX is sqlite in wrangler.jsonc: no Vectorize index is needed.");
  log(`Deploying ${config.workerName}…`);
  await mustRunWrangler(["deploy", ...deployArgs], { interactive: true });
  if (steps.length) log(`Created before deploying: ${steps.map(describeStep).join("; ")}.`);
}

main(process.argv.slice(2)).catch((error: unknown) => {
  console.error(error instanceof DeployError ? `Deploy stopped: ${error.message}` : error);
  process.exit(1);
});
