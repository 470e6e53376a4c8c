import { DeployError } from "./errors";
import { runWrangler } from "./wrangler";

/**
 * Signed in to Cloudflare before anything is listed: the list commands run without a terminal, where
 * Wrangler cannot open its login page. On a terminal with no token, `wrangler login` runs here.
 */
export async function ensureSignedIn(log: (line: string) => void): Promise<void> {
  if ((await runWrangler(["whoami", "--json"])).code === 0) return;
  if (!process.env.CLOUDFLARE_API_TOKEN && process.stdin.isTTY && process.stdout.isTTY) {
    log("Not signed in to Cloudflare: opening `wrangler login`.");
    if ((await runWrangler(["login"], { interactive: true })).code === 0) return;
  }
  throw new DeployError(
    "Not signed in to Cloudflare. Run `node scripts/wrangler.mjs login` (that is `wrangler login`, on Node 22) on this machine, or set CLOUDFLARE_API_TOKEN (and CLOUDFLARE_ACCOUNT_ID if the token reaches several accounts), then deploy again.",
  );
}
